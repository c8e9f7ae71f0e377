"""Support for Business: what each request reads, and reads only once (issue 21, second
pass), without changing what the steps accept or the submit creates."""

from __future__ import annotations

from unittest import mock

from incidents.forms import business as business_forms
from incidents.forms.business import ShareForm
from incidents.models import Incident
from incidents.wizards import business_cache
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
