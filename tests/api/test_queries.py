"""Query counts of the API's list operations are pinned: they do not grow with the rows."""

from __future__ import annotations

import pytest

from incidents.services import IncidentDraft, submit_incident
from tests.builders import make_contract, make_topic_path


def make_requests(user, count):
    for n in range(count):
        submit_incident(
            IncidentDraft(
                user=user,
                channel="office365",
                title=f"Request {n}",
                description="Something broke.",
                severity="B",
                contact_name="Anna",
                contact_email=user.email,
            )
        )


# The token (one read, one conditional update), then the rows.
@pytest.mark.parametrize("count", [2, 12])
def test_the_service_request_list_reads_a_fixed_number_of_queries(
    api, partner_user, count, django_assert_num_queries
):
    make_requests(partner_user, count)
    with django_assert_num_queries(3):
        response = api.get("/serviceRequests", {"limit": 10})
    assert len(response.json()["items"]) == min(count, 10)


@pytest.mark.parametrize("count", [1, 6])
def test_support_topics_and_contracts_read_a_fixed_number_of_queries(
    api, partner_user, count, django_assert_num_queries
):
    for n in range(count):
        make_topic_path("azure", f"Product {n}", "Connectivity", "RDP")
        make_contract(partner_user.partner, register_to=partner_user)
    with django_assert_num_queries(3):
        assert len(api.get("/supportTopics").json()) == 3 * count
    with django_assert_num_queries(3):
        assert len(api.get("/contracts").json()) == count
