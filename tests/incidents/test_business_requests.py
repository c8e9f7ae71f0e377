"""Support for Business: what each request reads, and reads only once (issue 21, second
pass), without changing what the steps accept or the submit creates."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.utils import timezone, translation

from contracts.models import Contract, ContractKind
from incidents.forms import business as business_forms
from incidents.forms.business import ProblemForm, ShareForm
from incidents.models import Incident, Tree
from incidents.wizards import business_cache
from tests.builders import make_contract, make_topic_path, make_user
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

# --- the share step ------------------------------------------------------------------


def test_sharing_with_nobody_builds_no_colleagues_queryset(partner_user):
    colleague = make_user(partner_user.partner, username="carla")
    with mock.patch.object(
        business_forms, "colleagues", wraps=business_forms.colleagues
    ) as colleagues:
        form = ShareForm(
            data={},
            prefix="share",
            user=partner_user,
            primary=partner_user,
            people=[partner_user, colleague],
        )
        assert form.is_valid(), form.errors
    assert form.cleaned_data["additional_contacts"] == []
    assert colleagues.call_count == 0


def test_sharing_still_refuses_someone_who_is_not_a_colleague(partner_user):
    colleague = make_user(partner_user.partner, username="carla")
    form = ShareForm(
        data={"share-additional_contacts": [colleague.pk + 1000]},
        prefix="share",
        user=partner_user,
        primary=partner_user,
        people=[partner_user, colleague],
    )
    assert not form.is_valid()
    assert "additional_contacts" in form.errors


def test_a_request_shared_with_nobody_is_submitted_with_the_primary_contact_only(
    partner_client, partner_user
):
    cat = make_onprem_catalogue()
    make_user(partner_user.partner, username="carla")
    response = run_to_review(
        partner_client, cat, product_support(partner_user), primary=partner_user
    )
    section = next(s for s in response.context["review_sections"] if s["step"] == "share")
    assert dict(section["rows"])["Additional contacts"] == "None"
    response = partner_client.post(URL, REVIEW)
    assert response.status_code == 302
    incident = Incident.objects.get(submitted_by=partner_user)
    assert [c.user_id for c in incident.contacts.all()] == [partner_user.pk]


# --- the summaries ---------------------------------------------------------------------


def test_the_stamps_of_the_summaries_are_read_once_per_request(partner_client, partner_user):
    cat = make_onprem_catalogue()
    contract = product_support(partner_user)
    partner_client.get(URL)
    partner_client.post(URL, problem_data(cat))
    partner_client.post(URL, support_data(contract))
    partner_client.post(URL, contact_data(partner_user))
    with mock.patch.object(
        business_cache, "catalogue_stamp", wraps=business_cache.catalogue_stamp
    ) as stamp:
        response = partner_client.post(URL, share_data())
    assert current_step(response) == "review"
    assert len(response.context["review_sections"]) == 4  # four steps summarised
    assert stamp.call_count == 1


# --- the problem step's choice, on the steps after it ------------------------------------


def test_the_plan_step_does_not_rebuild_the_problem_form(partner_client, partner_user):
    cat = make_onprem_catalogue()
    contract = product_support(partner_user)
    partner_client.get(URL)
    partner_client.post(URL, problem_data(cat))  # validates the problem step, keeps its choice
    with mock.patch.object(
        business_forms.ProblemForm, "__init__", autospec=True, side_effect=ProblemForm.__init__
    ) as built:
        response = partner_client.post(URL, support_data(contract))
    assert current_step(response) == "contact"
    assert built.call_count == 0
    assert response.context["form"].is_bound is False


def test_the_plan_step_still_follows_a_version_that_left_mainstream_support(
    partner_client, partner_user
):
    cat = make_onprem_catalogue()
    gold = product_support(partner_user, name="Gold pack")
    partner_client.get(URL)
    partner_client.post(URL, problem_data(cat))
    version = cat["current"]
    version.mainstream_end_on = timezone.localdate() - dt.timedelta(days=1)
    version.save()  # a catalogue change: the kept choice is read again
    response = partner_client.post(URL, support_data(gold))
    assert current_step(response) == "support"
    form = response.context["form"]
    assert "Gold pack" in [o.contract.name for o in form.unavailable]


def test_the_plan_step_drops_a_product_taken_out_of_the_catalogue(partner_client, partner_user):
    cat = make_onprem_catalogue()
    gold = product_support(partner_user, name="Gold pack")
    partner_client.get(URL)
    partner_client.post(URL, problem_data(cat))
    root = cat["root"]
    root.is_active = False
    root.save()
    response = partner_client.post(URL, support_data(gold))
    assert current_step(response) == "support"
    assert response.context["form"].usable == []  # no product chosen any more: no plan fits


def test_the_final_submit_validates_the_problem_step_afresh(partner_client, partner_user):
    cat = make_onprem_catalogue()
    run_to_review(partner_client, cat, product_support(partner_user), primary=partner_user)
    with mock.patch.object(
        business_forms.ProblemForm, "__init__", autospec=True, side_effect=ProblemForm.__init__
    ) as built:
        response = partner_client.post(URL, REVIEW)
    assert response.status_code == 302
    assert built.call_count == 1
    incident = Incident.objects.get(submitted_by=partner_user)
    assert incident.product == cat["product"]
    assert incident.product_version == cat["current"]


def test_the_plan_step_shows_the_articles_of_the_chosen_category(partner_client, partner_user):
    cat = make_onprem_catalogue()
    contract = product_support(partner_user)
    partner_client.get(URL)
    partner_client.post(URL, problem_data(cat))
    partner_client.post(URL, support_data(contract))
    response = partner_client.post(
        URL, {"business_wizard-current_step": "contact", "wizard_goto_step": "support"}
    )
    assert current_step(response) == "support"
    assert [a.name for a in response.context["articles"]] == ["Troubleshoot slow queries"]


def test_the_plan_step_follows_a_category_moved_to_another_product(partner_client, partner_user):
    cat = make_onprem_catalogue()
    gold = product_support(partner_user, name="Gold pack")
    partner_client.get(URL)
    partner_client.post(URL, problem_data(cat))
    other_root = make_topic_path(Tree.ON_PREMISES, "Exchange Server")[0]
    category = cat["category"]
    category.parent = other_root
    category.depth = other_root.depth + 1
    category.save()  # every topic still there, but the answers no longer form a chain
    response = partner_client.post(URL, support_data(gold))
    assert current_step(response) == "support"
    assert response.context["form"].usable == []


# --- the plan list: drawn fresh, validated against what was shown, submitted fresh -----


def test_the_plan_list_is_read_when_drawn_and_on_the_submit_not_on_the_plan_steps_post(
    partner_client, partner_user
):
    cat = make_onprem_catalogue()
    contract = product_support(partner_user)
    partner_client.get(URL)
    calls = []
    with mock.patch.object(Contract, "options_for", wraps=Contract.options_for) as options:
        for data in (
            problem_data(cat),
            support_data(contract),
            contact_data(partner_user),
            share_data(),
            REVIEW,
        ):
            before = options.call_count
            response = partner_client.post(URL, data)
            calls.append(options.call_count - before)
    assert response.status_code == 302
    # Drawn after the problem step, none on its own POST, none for the summaries, the submit.
    assert calls == [1, 0, 0, 0, 1]


def test_the_plan_steps_post_sees_a_unit_taken_meanwhile(partner_client, partner_user):
    cat = make_onprem_catalogue()
    last = make_contract(
        partner_user.partner,
        kind=ContractKind.PRODUCT_SUPPORT,
        units=1,
        register_to=partner_user,
        name="Last unit",
    )
    partner_client.get(URL)
    response = partner_client.post(URL, problem_data(cat))
    assert [o.contract.name for o in response.context["form"].usable] == ["Last unit"]
    assert last.consume_unit(actor=partner_user)  # a colleague's request, meanwhile
    response = partner_client.post(URL, support_data(last))
    assert current_step(response) == "support"
    assert "Last unit" in [o.contract.name for o in response.context["form"].unavailable]


def test_the_plan_steps_post_accepts_a_plan_registered_meanwhile(partner_client, partner_user):
    cat = make_onprem_catalogue()
    product_support(partner_user, name="Old pack")
    partner_client.get(URL)
    partner_client.post(URL, problem_data(cat))
    new = product_support(partner_user, name="New pack")  # registered elsewhere, meanwhile
    response = partner_client.post(URL, support_data(new))
    assert current_step(response) == "contact"


def test_a_plan_used_up_unseen_by_the_cache_is_still_refused_by_the_submit(
    partner_client, partner_user
):
    cat = make_onprem_catalogue()
    contract = product_support(partner_user)
    partner_client.get(URL)
    partner_client.post(URL, problem_data(cat))
    # Used up through another worker, say: no signal, no stamp bumped in this one.
    Contract.objects.filter(pk=contract.pk).update(units_used=20)
    for data in (support_data(contract), contact_data(partner_user), share_data()):
        response = partner_client.post(URL, data)
    assert current_step(response) == "review"  # as shown and chosen, until the submit
    response = partner_client.post(URL, REVIEW)
    assert Incident.objects.count() == 0
    assert current_step(response) == "support"
    assert contract.name in [o.contract.name for o in response.context["form"].unavailable]


def test_the_plan_step_drawn_from_the_kept_list_is_the_one_drawn_fresh(
    partner_client, partner_user
):
    cat = make_onprem_catalogue()
    contract = product_support(partner_user)
    product_support(partner_user, name="Second pack", ends_on=timezone.localdate())
    make_contract(partner_user.partner, register_to=partner_user, name="Cloud only")
    partner_client.get(URL)
    fresh = partner_client.post(URL, problem_data(cat))
    partner_client.post(URL, support_data(contract))
    back = partner_client.post(
        URL, {"business_wizard-current_step": "contact", "wizard_goto_step": "support"}
    )
    assert current_step(back) == "support"

    def plans(response):
        html = response.content.decode()
        return html[html.index('data-stage="support"') : html.index("Severity and routing")]

    # The same plans, reasons and units left (the posted choice aside).
    drawn = plans(fresh).replace(" checked", "")
    assert plans(back).replace(" checked", "") == drawn
    assert "Cloud only" in drawn and "Second pack" in drawn


def test_the_plan_list_is_kept_per_language(partner_user):
    with mock.patch.object(Contract, "options_for", return_value=([], [])) as read:
        for language in ("en", "hu", "en"):
            with translation.override(language):
                business_cache.cached_plan_options(
                    partner_user, None, None, lambda: Contract.options_for()
                )
    assert read.call_count == 2
