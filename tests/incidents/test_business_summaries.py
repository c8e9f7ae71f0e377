"""Support for Business: the answered stages' summaries and the colleagues come from the
cache (incidents/wizards/business_cache.py, issue 21), and still show what is true now."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from contracts.models import Contract, ContractRegistration
from drafts.models import Draft
from incidents.models import Incident, SelfHelpArticle
from incidents.wizards import business as business_wizard
from partners.stamps import CONTRACTS, USERS, bump_partner_stamp, partner_stamp
from tests.builders import make_user
from tests.incidents.test_business_wizard import (
    REVIEW,
    URL,
    contact_data,
    current_step,
    make_onprem_catalogue,
    problem_data,
    product_support,
    run_to_review,
    share_data,
    support_data,
)


def review_page(client):
    """Review again, as the user finds it on coming back (the draft resumes there)."""
    response = client.get(URL)
    assert current_step(response) == "review"
    return response


def rows_of(response, step):
    section = next(s for s in response.context["review_sections"] if s["step"] == step)
    return dict(section["rows"])


# --- what the cache saves ------------------------------------------------------------


def test_later_steps_summarise_earlier_ones_without_rebuilding_their_forms(
    partner_client, partner_user
):
    cat = make_onprem_catalogue()
    contract = product_support(partner_user)
    partner_client.get(URL)
    partner_client.post(URL, problem_data(cat))
    partner_client.post(URL, support_data(contract))  # shows contact: summarises 1 and 2
    with mock.patch.object(Contract, "options_for", wraps=Contract.options_for) as options:
        response = partner_client.post(URL, contact_data(partner_user))
        assert current_step(response) == "share"
        response = partner_client.post(URL, share_data())
    assert current_step(response) == "review"
    assert options.call_count == 0  # the plan list is not read again to summarise step 2
    assert [s["step"] for s in response.context["review_sections"]] == [
        "problem",
        "support",
        "contact",
        "share",
    ]
    assert "20 incidents left" in rows_of(response, "support")["Support plan"]


def test_the_summaries_read_from_the_cache_are_the_ones_built_from_the_forms(
    partner_client, partner_user
):
    cat = make_onprem_catalogue()
    colleague = make_user(partner_user.partner, username="carla", first_name="Carla")
    response = run_to_review(
        partner_client, cat, product_support(partner_user), primary=partner_user, shared=[colleague]
    )
    cached = response.context["review_sections"]
    with mock.patch.object(
        business_wizard, "cached_summary", side_effect=lambda key, compute: compute()
    ):
        built = review_page(partner_client).context["review_sections"]
    assert cached == built
    assert response.content.decode().count("carla@example.com") == 1


def test_the_colleagues_are_read_once_per_partner(partner_client, partner_user):
    cat = make_onprem_catalogue()
    contract = product_support(partner_user)
    with mock.patch.object(
        business_wizard, "colleagues", wraps=business_wizard.colleagues
    ) as colleagues:
        run_to_review(partner_client, cat, contract, primary=partner_user)
        partner_client.post(URL, {**REVIEW, "wizard_goto_step": "contact"})
    assert colleagues.call_count == 1


def test_the_contact_and_share_steps_read_neither_plans_nor_colleagues(
    partner_client, partner_user
):
    cat = make_onprem_catalogue()
    contract = product_support(partner_user)
    partner_client.get(URL)
    partner_client.post(URL, problem_data(cat))
    partner_client.post(URL, support_data(contract))
    for data in (contact_data(partner_user), share_data()):
        with CaptureQueriesContext(connection) as queries:
            partner_client.post(URL, data)
        sql = " ".join(q["sql"] for q in queries.captured_queries)
        assert 'FROM "contracts_contract"' not in sql
        assert sql.count('FROM "partners_user"') == 1  # the signed-in user, not colleagues


# --- and still true --------------------------------------------------------------------


def test_the_plan_summary_shows_the_units_left_after_a_unit_is_taken(partner_client, partner_user):
    cat = make_onprem_catalogue()
    contract = product_support(partner_user)
    response = run_to_review(partner_client, cat, contract, primary=partner_user)
    assert "20 incidents left" in rows_of(response, "support")["Support plan"]
    assert contract.consume_unit(actor=partner_user)  # e.g. a colleague's request, meanwhile
    assert "19 incidents left" in rows_of(review_page(partner_client), "support")["Support plan"]


def test_the_plan_summary_follows_units_added_to_the_plan(partner_client, partner_user):
    cat = make_onprem_catalogue()
    contract = product_support(partner_user)
    run_to_review(partner_client, cat, contract, primary=partner_user)
    contract.add_units(5)  # a conditional UPDATE and its ledger row
    assert "25 incidents left" in rows_of(review_page(partner_client), "support")["Support plan"]


def test_a_plan_that_expired_meanwhile_is_no_longer_summarised(partner_client, partner_user):
    cat = make_onprem_catalogue()
    contract = product_support(partner_user)
    run_to_review(partner_client, cat, contract, primary=partner_user)
    contract.ends_on = timezone.localdate() - dt.timedelta(days=1)
    contract.save()
    steps = [s["step"] for s in review_page(partner_client).context["review_sections"]]
    assert steps == ["problem", "contact", "share"]  # as the forms say: the plan is invalid


def test_a_renamed_colleague_shows_with_the_new_name(partner_client, partner_user):
    cat = make_onprem_catalogue()
    carla = make_user(partner_user.partner, username="carla", first_name="Carla")
    run_to_review(
        partner_client, cat, product_support(partner_user), primary=carla, shared=[partner_user]
    )
    carla.first_name = "Karla"
    carla.save()
    response = review_page(partner_client)
    assert rows_of(response, "contact")["Primary contact"].startswith("Karla")


def test_a_new_colleague_is_offered_on_the_share_step(partner_client, partner_user):
    cat = make_onprem_catalogue()
    contract = product_support(partner_user)
    partner_client.get(URL)
    partner_client.post(URL, problem_data(cat))
    partner_client.post(URL, support_data(contract))  # the colleagues are read (and kept)
    dora = make_user(partner_user.partner, username="dora", first_name="Dora")
    response = partner_client.post(URL, contact_data(partner_user))
    assert dora in response.context["form"].fields["additional_contacts"].preloaded


def test_a_renamed_category_shows_with_the_new_name(partner_client, partner_user):
    cat = make_onprem_catalogue()
    run_to_review(partner_client, cat, product_support(partner_user), primary=partner_user)
    cat["category"].name = "Query performance"
    cat["category"].save()
    assert rows_of(review_page(partner_client), "problem")["Category"] == "Query performance"


def test_an_edited_step_is_summarised_afresh(partner_client, partner_user):
    cat = make_onprem_catalogue()
    run_to_review(partner_client, cat, product_support(partner_user), primary=partner_user)
    partner_client.post(URL, {**REVIEW, "wizard_goto_step": "problem"})
    response = partner_client.post(URL, problem_data(cat, **{"problem-title": "Edited title"}))
    assert rows_of(response, "problem")["Title"] == "Edited title"


def test_the_summary_follows_the_language(partner_client, partner_user):
    cat = make_onprem_catalogue()
    run_to_review(partner_client, cat, product_support(partner_user), primary=partner_user)
    partner_client.cookies["django_language"] = "hu"
    response = review_page(partner_client)
    labels = [label for s in response.context["review_sections"] for label, _v in s["rows"]]
    assert "Title" not in labels  # "Cím": not the English rows kept a moment ago


def test_the_submit_still_reads_the_plan_afresh(partner_client, partner_user):
    """The summaries may come from the cache; the final submit validates every step
    against fresh reads: a plan used up meanwhile creates nothing."""
    cat = make_onprem_catalogue()
    contract = product_support(partner_user)
    run_to_review(partner_client, cat, contract, primary=partner_user)
    Contract.objects.filter(pk=contract.pk).update(units_used=20)  # no signal, no stamp
    response = partner_client.post(URL, REVIEW)
    assert Incident.objects.count() == 0
    assert current_step(response) == "support"


def test_the_submit_reads_the_plan_list_without_keeping_it(partner_client, partner_user):
    """The unit the submit takes bumps the contracts stamp: a list kept by the submit
    would never be read again, so it reads ``options_for`` and keeps nothing."""
    cat = make_onprem_catalogue()
    contract = product_support(partner_user)
    run_to_review(partner_client, cat, contract, primary=partner_user)
    with (
        mock.patch.object(
            business_wizard, "cached_plan_options", wraps=business_wizard.cached_plan_options
        ) as kept,
        mock.patch.object(Contract, "options_for", wraps=Contract.options_for) as read,
    ):
        response = partner_client.post(URL, REVIEW)
    assert response.status_code == 302
    assert Incident.objects.count() == 1
    assert read.call_count == 1  # afresh, once
    assert not kept.called


# --- the stamps ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_partner_stamp_changes_only_when_bumped_and_per_kind():
    users, contracts = partner_stamp(7, USERS), partner_stamp(7, CONTRACTS)
    assert partner_stamp(7, USERS) == users
    bump_partner_stamp(7, CONTRACTS)
    assert partner_stamp(7, USERS) == users
    assert partner_stamp(7, CONTRACTS) != contracts
    assert partner_stamp(8, CONTRACTS) != partner_stamp(7, CONTRACTS)


# --- the plan step's "Severity and routing" fields, drawn once per language and values ---


def routing_html(response) -> str:
    body = response.content.decode()
    start = body.index('<h3 class="h6 mt-3">')
    return body[start : body.index('data-testid="continue"', start)]


def test_the_routing_fields_read_from_the_cache_are_the_ones_drawn(partner_client, partner_user):
    cat = make_onprem_catalogue()
    partner_client.get(URL)
    drawn = routing_html(partner_client.post(URL, problem_data(cat)))  # drawn and kept
    with mock.patch("django.templatetags.cache.CacheNode.render", autospec=True) as node:
        node.side_effect = lambda self, context: self.nodelist.render(context)
        fresh = routing_html(partner_client.get(URL))  # back on the plan step, not cached
    assert node.called
    assert routing_html(partner_client.get(URL)) == drawn == fresh
    assert 'name="support-time_zone"' in drawn


def test_the_routing_fields_show_the_users_own_time_zone(partner_client, partner_user):
    cat = make_onprem_catalogue()
    partner_client.get(URL)
    partner_client.post(URL, problem_data(cat))  # drawn with the user's time zone, kept
    partner_user.time_zone = "Asia/Tokyo"
    partner_user.save()
    html = routing_html(partner_client.get(URL))
    assert '<option value="Asia/Tokyo" selected>' in html


def test_a_posted_plan_step_shows_its_errors_though_its_fields_were_cached(
    partner_client, partner_user
):
    cat = make_onprem_catalogue()
    contract = product_support(partner_user)
    partner_client.get(URL)
    partner_client.post(URL, problem_data(cat))  # the unbound fields, kept
    response = partner_client.post(
        URL, support_data(contract, severity="B", **{"support-is_24x7": "on"})
    )
    html = routing_html(response)
    assert "24/7 support can be chosen only with severity A" in html
    assert 'id="id_support-severity_1" required class="form-check-input" checked>' in html
    assert 'aria-invalid="true"' in html  # on the 24/7 box


@pytest.mark.django_db
def test_a_posted_plan_step_is_never_read_from_nor_kept_in_the_cache():
    from incidents.forms.business import SupportForm
    from incidents.wizards.business import routing_fragment

    values = {"severity": "B", "country": "HU", "time_zone": "UTC", "support_language": "en"}
    unbound = routing_fragment(SupportForm(prefix="support", initial=values))
    posted = routing_fragment(
        SupportForm({f"support-{k}": v for k, v in values.items()}, prefix="support")
    )
    assert unbound["seconds"] > 0
    assert posted["seconds"] == 0  # drawn afresh, with its errors, and not kept
    assert posted["key"] != unbound["key"]
    with translation.override("hu"):
        assert routing_fragment(SupportForm(prefix="support", initial=values)) != unbound


# --- the plan step's suggested self-help ------------------------------------------------


def test_the_plan_step_suggests_the_articles_of_the_category_read_once(
    partner_client, partner_user
):
    cat = make_onprem_catalogue()
    with mock.patch.object(
        business_wizard, "suggested_articles", wraps=business_wizard.suggested_articles
    ) as read:
        partner_client.get(URL)
        first = partner_client.post(URL, problem_data(cat))
        again = partner_client.get(URL)  # back on the plan step
    assert list(first.context["articles"]) == [cat["article"]]
    assert list(again.context["articles"]) == [cat["article"]]
    assert read.call_count == 1


def test_a_new_article_is_suggested_at_once(partner_client, partner_user):
    cat = make_onprem_catalogue()
    partner_client.get(URL)
    partner_client.post(URL, problem_data(cat))
    added = SelfHelpArticle.objects.create(
        product=cat["product"], topic=None, name="A general guide", url="https://example.com/g"
    )
    response = partner_client.get(URL)
    assert [a.name for a in response.context["articles"]] == [added.name, cat["article"].name]
    assert "https://example.com/g" in response.content.decode()


def test_deleting_a_user_or_a_plan_with_registrations_still_works(partner_user):
    contract = product_support(partner_user)
    colleague = make_user(partner_user.partner, username="carla")
    ContractRegistration.objects.create(contract=contract, user=colleague)
    colleague.delete()  # its registration goes with it (the stamps are bumped, no error)
    contract.delete()
    assert not ContractRegistration.objects.exists()


# --- the page ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "hu"])
def test_the_wizard_management_field_is_the_one_django_draws(
    partner_client, partner_user, language
):
    cat = make_onprem_catalogue()
    partner_client.cookies["django_language"] = language
    for response in (partner_client.get(URL), partner_client.post(URL, problem_data(cat))):
        management = response.context["wizard"]["management_form"]
        assert list(management.fields) == ["current_step"]  # nothing else to draw
        assert str(management).strip() in response.content.decode()
    assert current_step(response) == "support"


# --- the contact step's colleagues, drawn once per choice and colleagues' stamp ---------


def contact_html(response) -> str:
    body = response.content.decode()
    start = body.index('id="div_id_contact-primary_contact"')
    return body[start : body.index('data-testid="continue"', start)]


def to_the_contact_step(client, cat, contract):
    """A new run of the wizard (the saved one dropped) up to the contact step, unanswered."""
    Draft.objects.all().delete()
    client.get(URL)
    client.post(URL, problem_data(cat))
    response = client.post(URL, support_data(contract))
    assert not response.context["form"].is_bound
    return response


def test_the_contact_step_read_from_the_cache_is_the_one_drawn(partner_client, partner_user):
    cat = make_onprem_catalogue()
    contract = product_support(partner_user)
    make_user(partner_user.partner, username="carla", first_name="Carla")
    drawn = contact_html(to_the_contact_step(partner_client, cat, contract))  # drawn, kept
    with mock.patch("django.templatetags.cache.CacheNode.render", autospec=True) as node:
        node.side_effect = lambda self, context: self.nodelist.render(context)
        fresh = contact_html(to_the_contact_step(partner_client, cat, contract))
    assert node.called
    cached = contact_html(to_the_contact_step(partner_client, cat, contract))
    assert cached == drawn == fresh
    assert "carla@example.com" in drawn


def test_a_colleague_added_or_renamed_shows_on_the_contact_step(partner_client, partner_user):
    cat = make_onprem_catalogue()
    contract = product_support(partner_user)
    carla = make_user(partner_user.partner, username="carla", first_name="Carla")
    to_the_contact_step(partner_client, cat, contract)  # the contact step drawn and kept
    make_user(partner_user.partner, username="dora", first_name="Dora")
    carla.first_name = "Karla"
    carla.save()
    html = contact_html(to_the_contact_step(partner_client, cat, contract))
    assert "dora@example.com" in html
    assert "Karla" in html and "Carla" not in html


@pytest.mark.django_db
def test_a_posted_contact_step_is_never_read_from_nor_kept_in_the_cache(partner_user):
    from incidents.forms.business import PrimaryContactForm
    from incidents.wizards.business import contact_fragment

    people = [partner_user]
    unbound = contact_fragment(
        PrimaryContactForm(prefix="contact", user=partner_user, people=people), partner_user
    )
    posted = contact_fragment(
        PrimaryContactForm(
            {"contact-primary_contact": str(partner_user.pk)},
            prefix="contact",
            user=partner_user,
            people=people,
        ),
        partner_user,
    )
    assert unbound["seconds"] > 0
    assert posted["seconds"] == 0
    assert posted["key"] != unbound["key"]
    bump_partner_stamp(partner_user.partner_id, USERS)
    again = contact_fragment(
        PrimaryContactForm(prefix="contact", user=partner_user, people=people), partner_user
    )
    assert again["key"] != unbound["key"]
