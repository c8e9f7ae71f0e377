"""The wizards' look-up lists are read once and cached (issue 21): the topic catalogue and
the product versions (incidents/lookups.py), the long lists that do not depend on the user
(time zones, countries) as rendered options (CachedOptionsSelect). A change of the
catalogue is seen at once."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils import translation

from bench import seed
from contracts.models import Platform, ProductVersion
from incidents import lookups
from incidents.forms.business import ProblemForm
from incidents.forms.lists import country_field, time_zone_field
from incidents.forms.widgets import CachedOptionsSelect
from incidents.models import Topic, Tree
from partners.models import User
from portal.lib.forms import time_zone_choices
from tests.builders import make_product, make_topic_path
from tests.incidents.test_wizard_queries import client_for

O365 = reverse("incidents:office365")
BUSINESS = reverse("incidents:business")


@pytest.fixture
def persona(db):
    """The benchmark's persona and catalogue (as tests/incidents/test_wizard_queries.py)."""
    people = seed.seed_personas(seed.seed_catalogue())
    return User.objects.get(pk=people["anna"])


def _squash(html: str) -> str:
    return re.sub(r"\s+", " ", html).strip()


# --- the topic catalogue and the versions ------------------------------------------------


def test_a_wizard_step_reads_the_catalogue_once_then_from_the_cache(
    persona, django_assert_num_queries
):
    client = client_for(persona)
    client.get(BUSINESS)  # the catalogue is read and cached
    # session, user with the partner, the saved draft: no topic query
    with django_assert_num_queries(3):
        response = client.get(BUSINESS)
    assert response.status_code == 200
    roots = Topic.objects.filter(tree=Tree.ON_PREMISES, depth=0, product__isnull=False)
    for root in roots:
        assert f'<option value="{root.pk}">' in response.content.decode()


def test_a_topic_added_renamed_or_retired_shows_at_once(persona):
    client = client_for(persona)
    client.get(O365)  # cached
    (new,) = make_topic_path(Tree.OFFICE365, "Brand new issue type")
    assert "Brand new issue type" in client.get(O365).content.decode()
    new.name = "Renamed issue type"
    new.save()
    html = client.get(O365).content.decode()
    assert "Renamed issue type" in html and "Brand new issue type" not in html
    new.is_active = False
    new.save()
    assert "Renamed issue type" not in client.get(O365).content.decode()


def test_the_catalogue_is_unpickled_once_per_process_and_change(persona):
    catalogue = lookups.topic_catalogue()
    assert lookups.topic_catalogue() is catalogue  # no fresh copy per read (issue 21)
    product_id = ProductVersion.objects.values_list("product_id", flat=True).first()
    assert product_id is not None
    assert lookups.product_versions(product_id) is lookups.product_versions(product_id)
    (new,) = make_topic_path(Tree.OFFICE365, "Brand new issue type")
    changed = lookups.topic_catalogue()
    assert changed is not catalogue
    assert new.pk in {topic.pk for topic in changed}
    root = Q(tree=Tree.OFFICE365, depth=0)
    assert new.pk in lookups.topic_ids_matching(root)
    new.is_active = False
    new.save()
    assert new.pk not in lookups.topic_ids_matching(root)
    assert new.pk not in {topic.pk for topic in lookups.topic_catalogue()}


def test_a_new_version_is_offered_and_accepted_at_once(db):
    product = make_product("SQL Server", Platform.ON_PREMISES, slug="sql-server")
    root = make_topic_path(Tree.ON_PREMISES, "SQL Server", "Setup", "Install fails")[0]
    root.product = product
    root.save()
    assert lookups.product_versions(product.pk) == []  # cached: none yet
    version = ProductVersion.objects.create(product=product, name="2025")
    form = ProblemForm(data={"product": root.pk, "version": version.pk}, user=None)
    assert [v.pk for v in form.fields["version"].preloaded] == [version.pk]
    form.is_valid()
    assert "version" not in form.errors
    assert form.cleaned_data["version"] == version


def test_a_version_of_another_product_is_refused(db):
    product = make_product("SQL Server", Platform.ON_PREMISES, slug="sql-server")
    other = make_product("Exchange Server", Platform.ON_PREMISES, slug="exchange-server")
    root = make_topic_path(Tree.ON_PREMISES, "SQL Server", "Setup", "Install fails")[0]
    root.product = product
    root.save()
    foreign = ProductVersion.objects.create(product=other, name="2019")
    form = ProblemForm(data={"product": root.pk, "version": foreign.pk}, user=None)
    assert not form.is_valid()
    assert "version" in form.errors


# --- long lists rendered once per language and chosen value ---------------------------


class ListsForm(forms.Form):
    plain = forms.ChoiceField(choices=time_zone_choices)
    cached = forms.ChoiceField(choices=time_zone_choices, widget=CachedOptionsSelect("tz-test"))


def test_cached_options_read_as_django_renders_them_with_the_chosen_one_selected():
    for chosen in ("Europe/Budapest", "Asia/Tokyo"):
        form = ListsForm(initial={"plain": chosen, "cached": chosen})
        plain, cached = str(form["plain"]), str(form["cached"])
        assert _squash(cached).replace('name="cached" id="id_cached"', "") == _squash(
            plain
        ).replace('name="plain" id="id_plain"', "")
        assert f'<option value="{chosen}" selected>' in cached


def test_cached_options_are_built_once_per_language_and_value():
    form = ListsForm(initial={"cached": "Europe/Budapest"})
    first = str(form["cached"])
    with mock.patch.object(CachedOptionsSelect, "optgroups", side_effect=AssertionError):
        assert str(ListsForm(initial={"cached": "Europe/Budapest"})["cached"]) == first
    with mock.patch.object(CachedOptionsSelect, "optgroups", return_value=[]) as built:
        str(ListsForm(initial={"cached": "Asia/Tokyo"})["cached"])  # another value: built
        assert built.called


def test_cached_country_names_follow_the_language():
    class CountryForm(forms.Form):
        country = country_field()

    with translation.override("en"):
        english = str(CountryForm(initial={"country": "HU"})["country"])
    with translation.override("hu"):
        hungarian = str(CountryForm(initial={"country": "HU"})["country"])
    assert '<option value="HU" selected>Hungary</option>' in english
    assert '<option value="HU" selected>Magyarország</option>' in hungarian


class WhereForm(forms.Form):
    country = country_field()
    time_zone = time_zone_field()


def test_the_long_lists_accept_what_they_list_and_nothing_else():
    assert WhereForm({"country": "HU", "time_zone": "Europe/Budapest"}).is_valid()
    form = WhereForm({"country": "XX", "time_zone": "Mars/Olympus_Mons"})
    assert not form.is_valid()
    assert set(form.errors) == {"country", "time_zone"}
    assert not WhereForm({"country": "", "time_zone": "UTC"}).is_valid()  # required


def test_the_long_lists_offer_the_same_choices_as_before():
    form = WhereForm()
    assert list(form.fields["time_zone"].choices) == time_zone_choices()
    with translation.override("hu"):
        countries = list(WhereForm().fields["country"].choices)
    assert countries[0][0] == "" and ("HU", "Magyarország") in countries
    assert len(countries) == 250


def test_the_review_names_the_chosen_entries():
    form = WhereForm()
    assert form.fields["time_zone"].label_of("America/New_York") == "America/New York"
    with translation.override("hu"):
        assert form.fields["country"].label_of("DE") == "Németország"
    assert form.fields["country"].label_of("XX") == "XX"


def test_a_value_not_listed_selects_nothing_and_is_not_cached_apart():
    form = WhereForm({"country": "HU", "time_zone": "<b>not a zone</b>"})
    html = str(form["time_zone"])
    assert " selected" not in html and "not a zone" not in html
    with mock.patch.object(CachedOptionsSelect, "optgroups", side_effect=AssertionError):
        # The same fragment as for no value at all: read from the cache.
        assert str(WhereForm({"time_zone": "another junk value"})["time_zone"]) == html


def test_the_topic_lists_come_from_an_index_built_once_per_catalogue(persona):
    from incidents.forms.azure import AzureTopicForm
    from incidents.forms.taxonomy import children_by_parent

    product, problem, category = make_topic_path(Tree.AZURE, "Index VM", "Index boot", "Index disk")
    catalogue = lookups.topic_catalogue()
    index = children_by_parent(catalogue)
    assert children_by_parent(catalogue) is index  # not rebuilt per form
    data = {
        "topic-product": str(product.pk),
        "topic-problem_type": str(problem.pk),
        "topic-category": str(category.pk),
    }
    form = AzureTopicForm(data, prefix="topic", option="professional")
    assert form.is_valid(), form.errors
    roots = [t for t in catalogue if t.tree == Tree.AZURE and t.depth == 0]
    assert form.fields["product"].preloaded == roots  # in list order
    assert form.fields["problem_type"].preloaded == [problem]
    assert form.fields["category"].preloaded == [category]
    leaf = form.cleaned_data["category"]
    assert leaf.parent.pk == problem.pk and leaf.parent.parent.pk == product.pk  # set, no query
    assert Topic.parent.is_cached(leaf) and Topic.parent.is_cached(leaf.parent)
    (added,) = make_topic_path(Tree.AZURE, "Index VM", "Index network")[1:]
    assert children_by_parent(lookups.topic_catalogue()) is not index  # a change: rebuilt
    form = AzureTopicForm(data, prefix="topic", option="professional")
    assert set(form.fields["problem_type"].preloaded) == {problem, added}
