"""Bulk assignment from the queue: the same rules and history as one at a time (issue 18)."""

import pytest
from django.urls import reverse

from incidents import workflow
from incidents.models import HistoryEvent
from tests.builders import make_engineer
from tests.incidents.test_workflow_builders import make_incident

BULK = reverse("incidents:queue_bulk")


@pytest.fixture
def three(partner_user):
    return [make_incident(partner_user, title=f"Row {i}") for i in range(3)]


def owners(incidents):
    for incident in incidents:
        incident.refresh_from_db()
    return [incident.owner_id for incident in incidents]


def test_assign_selected_to_me_records_history_per_incident(engineer_client, engineer, three):
    chosen = three[:2]
    response = engineer_client.post(
        BULK,
        {"bulk": "me", "number": [i.number for i in chosen], "filters": "status=open&q=Row"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:queue") + "?status=open&q=Row"
    assert owners(three) == [engineer.pk, engineer.pk, None]
    for incident in chosen:
        assert HistoryEvent.objects.filter(
            incident=incident, kind=HistoryEvent.Kind.ASSIGNED, actor=engineer
        ).exists()
    follow = engineer_client.get(response["Location"])
    assert "2 requests assigned to" in follow.content.decode()


def test_assign_selected_to_another_engineer(engineer_client, engineer, three):
    colleague = make_engineer("colleague")
    engineer_client.post(
        BULK, {"bulk": "assign", "engineer": colleague.pk, "number": [three[0].number]}
    )
    assert owners(three) == [colleague.pk, None, None]
    event = HistoryEvent.objects.get(incident=three[0], kind=HistoryEvent.Kind.ASSIGNED)
    assert event.actor == engineer


def test_a_closed_request_is_refused_and_the_others_are_assigned(engineer_client, engineer, three):
    workflow.reject(three[1], actor=engineer, reason="Duplicate")
    response = engineer_client.post(
        BULK, {"bulk": "me", "number": [i.number for i in three]}, follow=True
    )
    assert owners(three) == [engineer.pk, None, engineer.pk]
    assert three[1].number in response.content.decode()


def test_a_partner_user_or_a_non_engineer_cannot_bulk_assign(
    partner_client, client, partner_user, three
):
    assert partner_client.post(BULK, {"bulk": "me", "number": [three[0].number]}).status_code == 403
    not_engineer = make_engineer("x")
    not_engineer.groups.clear()
    client.force_login(not_engineer)
    assert client.post(BULK, {"bulk": "me", "number": [three[0].number]}).status_code == 403
    assert owners(three) == [None, None, None]


def test_assigning_to_someone_who_is_not_an_engineer_is_refused(
    engineer_client, partner_user, three
):
    engineer_client.post(
        BULK, {"bulk": "assign", "engineer": partner_user.pk, "number": [three[0].number]}
    )
    assert owners(three) == [None, None, None]


def test_no_selection_or_an_unknown_action_changes_nothing(engineer_client, three):
    response = engineer_client.post(BULK, {"bulk": "me"}, follow=True)
    assert "Choose one or more requests" in response.content.decode()
    engineer_client.post(BULK, {"bulk": "delete", "number": [three[0].number]})
    assert owners(three) == [None, None, None]


def test_bulk_needs_the_csrf_token(client, engineer, three):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(engineer)
    response = csrf_client.post(BULK, {"bulk": "me", "number": [three[0].number]})
    assert response.status_code == 403
    assert owners(three) == [None, None, None]


def test_the_queue_offers_the_bulk_form_without_an_extra_query(
    engineer_client, three, django_assert_num_queries
):
    engineer_client.get(reverse("incidents:queue"))  # the group answer and look-ups cached
    # session, user (the page's rows kept by the first request): the queue's own two
    with django_assert_num_queries(2):
        html = engineer_client.get(reverse("incidents:queue")).content.decode()
    assert 'form="bulk-form"' in html and 'id="bulk-form"' in html
    assert 'name="bulk" value="me"' in html
