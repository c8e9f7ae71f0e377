"""What the Office 365 wizard keeps in the cache between requests (issue 21): the fields of
a step not yet posted, drawn once per key (office365.step_drawing), and what later steps
show of the earlier ones (the route notice, the review's rows). Each must read as it would
drawn afresh, and follow every change of what it is built from."""

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from drafts.models import Draft
from incidents.forms.office365 import ProblemForm
from incidents.models import RoutedTeam, Tree
from tests.builders import make_topic_path, make_user
from tests.incidents.test_office365_wizard import (
    STEP,
    URL,
    description_data,
    o365_catalogue,
    problem_data,
    supporting_data,
    walk_to_attach,
)

FIELD_TEMPLATE = "incidents/includes/form_field.html"
ROUTED = "will be routed to Billing and subscription management"


@pytest.fixture
def catalogue(db):
    return o365_catalogue()


def drawn(response) -> set[str]:
    return {t.name for t in response.templates}


def fields_html(response) -> str:
    """The step's fields drawn afresh, as the page would without the cache."""
    with translation.override(response.context["LANGUAGE_CODE"]):
        return render_to_string(
            "incidents/includes/form_fields.html",
            {"form": response.context["form"], "non_field_errors_in_summary": True},
        )


def walk_steps(client, nodes):
    """GET and the first three POSTs of a new run (no saved draft): one page per step."""
    Draft.objects.all().delete()
    pages = [client.get(URL)]
    pages.append(client.post(URL, problem_data(nodes)))
    pages.append(client.post(URL, description_data()))
    pages.append(client.post(URL, supporting_data()))
    assert [p.context["wizard"]["steps"].current for p in pages] == [
        "problem",
        "description",
        "supporting",
        "attach",
    ]
    return pages


# --- the fields of a step not yet posted ---------------------------------------------
def test_each_step_reads_the_same_drawn_or_from_the_cache(partner_client, catalogue):
    first = walk_steps(partner_client, catalogue["mail"])
    again = walk_steps(partner_client, catalogue["mail"])

    for fresh, kept in zip(first, again, strict=True):
        assert FIELD_TEMPLATE in drawn(fresh)
        assert FIELD_TEMPLATE not in drawn(kept)  # from the cache
        expected = fields_html(kept)
        assert expected in fresh.content.decode()
        assert expected in kept.content.decode()


def test_a_posted_step_with_errors_is_drawn_afresh_every_time(partner_client, catalogue):
    partner_client.get(URL)
    partner_client.post(URL, problem_data(catalogue["mail"]))
    for title in ("", "x" * 400):
        response = partner_client.post(URL, description_data(**{"description-title": title}))
        assert response.context["wizard"]["steps"].current == "description"
        assert FIELD_TEMPLATE in drawn(response)
        page = response.content.decode()
        assert fields_html(response) in page
        assert 'aria-invalid="true"' in page
    # A new run's step, not yet posted: drawn without the errors above.
    response = walk_steps(partner_client, catalogue["mail"])[1]
    assert 'aria-invalid="true"' not in response.content.decode()


def test_each_user_sees_their_own_profile_values(client, partner, catalogue):
    for name, phone in (("Anna Kovács", "+36 1 234 5678"), ("Béla Nagy", "+36 1 999 8888")):
        first, last = name.split()
        user = make_user(partner, first_name=first, last_name=last, phone=phone)
        client.force_login(user)
        pages = walk_steps(client, catalogue["mail"])
        assert f'value="{name}"' in pages[1].content.decode()
        assert f'value="{phone}"' in pages[1].content.decode()
        assert f'value="{user.email}"' in pages[2].content.decode()


def test_the_start_time_names_each_users_time_zone(client, partner, catalogue):
    for zone in ("Europe/Budapest", "Asia/Tokyo"):
        client.force_login(make_user(partner, time_zone=zone))
        pages = walk_steps(client, catalogue["mail"])
        assert f"In your time zone ({zone})." in pages[2].content.decode()


def test_each_language_gets_its_own_drawing(client, partner, catalogue):
    client.force_login(make_user(partner))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = walk_steps(client, catalogue["mail"])[2].content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hu"
    response = walk_steps(client, catalogue["mail"])[2]
    hungarian = response.content.decode()
    assert response.context["LANGUAGE_CODE"] == "hu"
    assert fields_html(response) in hungarian
    assert "Tenant domain" in english
    assert "Tenant domain" not in hungarian
    assert "Bérlő tartományneve" in hungarian


def test_a_topic_added_or_renamed_shows_on_step_one_at_once(partner_client, catalogue):
    partner_client.get(URL)
    make_topic_path(Tree.OFFICE365, "Licensing question")
    catalogue["mail"][0].name = "Technical problem"
    catalogue["mail"][0].save()

    page = partner_client.get(URL).content.decode()

    assert "Licensing question" in page
    assert "Technical problem" in page
    assert ">Technical issue<" not in page


# --- the route notice and the review's rows ---------------------------------------------
def count_problem_forms(monkeypatch) -> list:
    built = []
    init = ProblemForm.__init__

    def counting(self, *args, **kwargs):
        built.append(kwargs.get("data") is not None)
        init(self, *args, **kwargs)

    monkeypatch.setattr(ProblemForm, "__init__", counting)
    return built


def test_later_steps_do_not_rebuild_step_one_for_the_route_and_review(
    partner_client, catalogue, monkeypatch
):
    walk_to_attach(partner_client, catalogue["billing"])
    built = count_problem_forms(monkeypatch)

    pages = walk_steps(partner_client, catalogue["billing"])

    assert built == [False, True]  # the GET's form, the problem POST's validation only
    for page in pages[1:]:
        assert ROUTED in page.content.decode()
    assert "Wrong amount" in pages[3].content.decode()  # the review's problem row


def test_a_route_changed_in_the_catalogue_shows_on_the_next_step(partner_client, catalogue):
    partner_client.get(URL)
    response = partner_client.post(URL, problem_data(catalogue["mail"]))
    assert "will be routed" not in response.content.decode()

    leaf = catalogue["mail"][-1]
    leaf.routes_to = RoutedTeam.BILLING
    leaf.save()
    response = partner_client.post(URL, description_data())

    assert ROUTED in response.content.decode()


def test_a_changed_answer_changes_the_route_and_the_review(partner_client, catalogue):
    walk_to_attach(partner_client, catalogue["billing"])
    response = walk_to_attach(partner_client, catalogue["mail"])
    page = response.content.decode()
    assert "will be routed" not in page
    assert "Messages delayed" in page
    assert "Wrong amount" not in page

    partner_client.post(URL, {STEP: "attach", "wizard_goto_step": "supporting"})
    response = partner_client.post(
        URL, supporting_data(**{"supporting-tenant_domain": "fabrikam.onmicrosoft.com"})
    )
    page = response.content.decode()
    assert "fabrikam.onmicrosoft.com" in page
    assert "contoso.onmicrosoft.com" not in page


def test_the_review_follows_the_language(client, partner, catalogue):
    client.force_login(make_user(partner))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = walk_to_attach(client, catalogue["mail"]).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hu"
    hungarian = walk_to_attach(client, catalogue["mail"]).content.decode()
    assert "Number of users affected" in english
    assert "Number of users affected" not in hungarian
    assert "Érintett felhasználók száma" in hungarian


def test_a_step_one_no_longer_valid_drops_from_the_review_and_the_route(partner_client, catalogue):
    response = walk_to_attach(partner_client, catalogue["billing"])
    assert ROUTED in response.content.decode()
    root = catalogue["billing"][0]
    root.is_active = False
    root.save()

    response = partner_client.post(URL, {STEP: "attach", "wizard_goto_step": "supporting"})
    response = partner_client.post(URL, supporting_data())

    page = response.content.decode()
    assert "will be routed" not in page
    assert "Wrong amount" not in page
    assert 'value="problem"' not in page  # no Edit button for a section not shown


# --- step 1's form, built on every step ------------------------------------------------
def test_building_step_one_clones_no_queryset(catalogue, monkeypatch):
    from django.db.models.query import QuerySet

    ProblemForm(prefix="problem")  # the catalogue read (and cached) once
    clones = []
    clone = QuerySet._clone
    monkeypatch.setattr(QuerySet, "_clone", lambda self: clones.append(1) or clone(self))

    form = ProblemForm(data=problem_data(catalogue["mail"]), prefix="problem")
    assert form.is_valid(), form.errors

    assert clones == []
    options = form.fields["service"].queryset  # still there when asked for
    assert list(options) == form.fields["service"].preloaded
    assert catalogue["mail"][1] in options


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "That choice does not belong to the service you chose; choose again."),
        ("hu", "Ez a választás nem tartozik a kiválasztott elemhez (szolgáltatás)"),
    ],
)
def test_a_choice_outside_its_parent_reads_in_the_language_of_the_request(
    partner_client, catalogue, language, message
):
    technical, exchange, *_ = catalogue["mail"]
    partner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    partner_client.get(URL)

    response = partner_client.post(
        URL, problem_data([technical, exchange, *catalogue["sites"][2:]])
    )

    assert response.context["wizard"]["steps"].current == "problem"
    assert message in response.content.decode()


def test_the_drawing_key_changes_with_every_text_and_value_drawn(catalogue):
    from django.utils.translation import gettext_lazy

    from incidents.forms.office365 import SupportingInfoForm
    from incidents.wizards.office365 import step_drawing

    def key(change=lambda form: None, **kwargs):
        form = SupportingInfoForm(prefix="supporting", **kwargs)
        change(form)
        return step_drawing(form, {"time_zone": kwargs.get("time_zone", "UTC")})["key"]

    translation.activate("en")
    same = key()
    assert key() == same
    assert key(time_zone="Asia/Tokyo") != same
    assert key(initial={"contact_email": "b@example.com"}) != same
    assert (
        key(lambda f: setattr(f.fields["tenant_domain"], "label", gettext_lazy("Domain"))) != same
    )
    assert key(lambda f: setattr(f.fields["tenant_domain"], "help_text", "Other")) != same
    assert key(lambda f: f.fields["what_tried"].widget.attrs.update(rows=9)) != same
    assert key(lambda f: setattr(f.fields["severity"], "choices", [("A", "A")])) != same
    with translation.override("hu"):
        assert key() != same
    bound = SupportingInfoForm(prefix="supporting", data={})
    assert step_drawing(bound, {}) is None


def test_the_review_reads_a_national_number_in_the_partners_country_of_now(
    partner_client, partner, catalogue
):
    partner_client.get(URL)
    partner_client.post(URL, problem_data(catalogue["mail"]))
    partner_client.post(URL, description_data(**{"description-contact_phone": "06 1 234 5678"}))
    response = partner_client.post(URL, supporting_data())
    assert "+36 1 234 5678" in response.content.decode()

    partner.country = "AT"
    partner.save()
    partner_client.post(URL, {STEP: "attach", "wizard_goto_step": "supporting"})
    response = partner_client.post(URL, supporting_data())

    assert response.context["wizard"]["steps"].current == "attach"
    assert "+36 1 234 5678" not in response.content.decode()
