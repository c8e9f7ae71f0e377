"""incidents/workflow.py: every change is one named function that records who and when."""

import pytest
from django.core import mail

from incidents import workflow
from incidents.models import HistoryEvent, IncidentContact, Message, Status
from tests.builders import make_contract, make_engineer, make_user
from tests.incidents.test_workflow_builders import make_incident, text_file

Kind = HistoryEvent.Kind


@pytest.fixture
def incident(partner_user):
    return make_incident(partner_user)


@pytest.fixture
def colleague(partner):
    return make_user(partner, username="csaba")


def last_event(incident):
    return incident.history.order_by("-created_at", "-pk").first()


# --- owner -----------------------------------------------------------------------------


def test_an_engineer_takes_an_incident_and_it_is_recorded(incident, engineer):
    workflow.take(incident, engineer=engineer)
    incident.refresh_from_db()
    assert incident.owner == engineer
    event = last_event(incident)
    assert (event.kind, event.actor, event.created_at is not None) == (
        Kind.ASSIGNED,
        engineer,
        True,
    )


def test_an_engineer_assigns_an_incident_to_a_colleague(incident, engineer):
    other = make_engineer("eva")
    workflow.assign(incident, engineer=other, actor=engineer)
    incident.refresh_from_db()
    assert incident.owner == other
    assert last_event(incident).actor == engineer


def test_an_incident_cannot_be_assigned_to_a_partner_user(incident, engineer, partner_user):
    with pytest.raises(workflow.WorkflowError):
        workflow.assign(incident, engineer=partner_user, actor=engineer)
    incident.refresh_from_db()
    assert incident.owner is None


# --- reply and the response clock ---------------------------------------------------


def test_the_first_reply_records_the_first_response_and_stops_the_clock(incident, engineer):
    assert incident.first_response_at is None
    message = workflow.reply(incident, engineer=engineer, body="Please send the logs.")
    incident.refresh_from_db()
    assert incident.first_response_at == message.created_at
    assert not incident.is_overdue
    assert incident.history.filter(kind=Kind.FIRST_RESPONSE, actor=engineer).count() == 1


def test_a_later_reply_keeps_the_first_response_time(incident, engineer):
    workflow.reply(incident, engineer=engineer, body="First")
    incident.refresh_from_db()
    first = incident.first_response_at
    workflow.reply(incident, engineer=engineer, body="Second")
    incident.refresh_from_db()
    assert incident.first_response_at == first
    assert incident.history.filter(kind=Kind.FIRST_RESPONSE).count() == 1


def test_an_internal_note_does_not_stop_the_clock(incident, engineer):
    workflow.add_note(incident, engineer=engineer, body="Looks like a DNS issue")
    incident.refresh_from_db()
    assert incident.first_response_at is None
    note = Message.objects.get(incident=incident)
    assert note.is_internal
    assert last_event(incident).is_internal


def test_contacts_get_an_email_when_an_engineer_replies(
    django_capture_on_commit_callbacks, incident, engineer, colleague, partner_user
):
    workflow.add_contact(incident, user=colleague, actor=partner_user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.reply(incident, engineer=engineer, body="Please restart the service.")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([partner_user.email, colleague.email])
    assert all("Please restart the service." in m.body for m in mail.outbox)
    assert incident.number in mail.outbox[0].subject


def test_internal_notes_are_never_emailed(django_capture_on_commit_callbacks, incident, engineer):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.add_note(incident, engineer=engineer, body="SECRET-NOTE")
    assert mail.outbox == []


def test_a_partner_reply_is_recorded_and_resumes_work_when_waiting(
    incident, engineer, partner_user
):
    workflow.change_status(incident, transition="start", actor=engineer)
    workflow.change_status(incident, transition="wait", actor=engineer)
    workflow.partner_message(incident, author=partner_user, body="Logs attached.")
    incident.refresh_from_db()
    assert incident.status == Status.IN_PROGRESS
    assert Message.objects.filter(incident=incident, author=partner_user).exists()
    kinds = list(incident.history.values_list("kind", "actor__username"))
    assert (Kind.MESSAGE, "anna") in kinds
    assert (Kind.STATUS, "anna") in kinds


def test_a_partner_cannot_write_on_a_closed_incident(incident, engineer, partner_user):
    for name in ("start", "resolve", "close"):
        workflow.change_status(incident, transition=name, actor=engineer)
    with pytest.raises(workflow.WorkflowError):
        workflow.partner_message(incident, author=partner_user, body="Hello?")
    assert not Message.objects.filter(incident=incident).exists()


def test_attachments_are_stored_and_recorded(incident, partner_user):
    saved = workflow.add_attachments(incident, files=[text_file()], actor=partner_user)
    assert [a.original_name for a in saved] == ["log.txt"]
    assert last_event(incident).kind == Kind.ATTACHMENT


# --- status transitions -------------------------------------------------------------


def test_every_named_transition_moves_the_status_and_is_recorded(incident, engineer):
    path = [
        ("start", Status.IN_PROGRESS),
        ("wait", Status.WAITING),
        ("resume", Status.IN_PROGRESS),
        ("wait", Status.WAITING),
        ("resolve", Status.RESOLVED),
        ("close", Status.CLOSED),
    ]
    for name, expected in path:
        before = incident.status
        workflow.change_status(incident, transition=name, actor=engineer)
        incident.refresh_from_db()
        assert incident.status == expected
        event = last_event(incident)
        assert (event.kind, event.from_status, event.to_status, event.actor) == (
            Kind.STATUS,
            before,
            expected,
            engineer,
        )


def test_resolve_is_allowed_from_in_progress(incident, engineer):
    workflow.change_status(incident, transition="start", actor=engineer)
    workflow.change_status(incident, transition="resolve", actor=engineer)
    assert incident.status == Status.RESOLVED


@pytest.mark.parametrize(
    ("setup", "transition"),
    [
        ([], "wait"),
        ([], "resolve"),
        ([], "close"),
        ([], "resume"),
        (["start"], "start"),
        (["start"], "close"),
        (["start", "resolve"], "wait"),
        (["start", "resolve", "close"], "start"),
        ([], "delete"),
    ],
)
def test_invalid_transitions_are_refused_and_change_nothing(incident, engineer, setup, transition):
    for name in setup:
        workflow.change_status(incident, transition=name, actor=engineer)
    incident.refresh_from_db()
    before, events = incident.status, incident.history.count()
    with pytest.raises(workflow.WorkflowError):
        workflow.change_status(incident, transition=transition, actor=engineer)
    incident.refresh_from_db()
    assert incident.status == before
    assert incident.history.count() == events


def test_contacts_are_told_when_the_engineer_waits_for_them(
    django_capture_on_commit_callbacks, incident, engineer, partner_user
):
    workflow.change_status(incident, transition="start", actor=engineer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.change_status(incident, transition="wait", actor=engineer)
    assert [m.to for m in mail.outbox] == [[partner_user.email]]
    assert "Waiting for partner" in mail.outbox[0].subject


# --- reject / route and the contract unit --------------------------------------------


@pytest.fixture
def contract_incident(partner, partner_user):
    contract = make_contract(partner, units=3, register_to=partner_user)
    incident = make_incident(partner_user, contract=contract)
    contract.refresh_from_db()
    assert contract.units_used == 1 and incident.unit_consumed
    return incident


def test_rejecting_refunds_the_contract_unit(contract_incident, engineer):
    workflow.reject(contract_incident, actor=engineer, reason="Not eligible: on-premises product")
    contract_incident.refresh_from_db()
    contract_incident.contract.refresh_from_db()
    assert contract_incident.status == Status.REJECTED
    assert contract_incident.status_reason == "Not eligible: on-premises product"
    assert contract_incident.unit_consumed is False
    assert contract_incident.contract.units_used == 0
    event = last_event(contract_incident)
    assert (event.kind, event.to_status, event.actor) == (Kind.STATUS, Status.REJECTED, engineer)
    assert "on-premises" in event.detail


def test_routing_refunds_the_unit_and_names_the_team(contract_incident, engineer):
    workflow.route(contract_incident, actor=engineer, team="billing", reason="Billing question")
    contract_incident.refresh_from_db()
    contract_incident.contract.refresh_from_db()
    assert (contract_incident.status, contract_incident.routed_to) == (Status.ROUTED, "billing")
    assert contract_incident.contract.units_used == 0
    assert not contract_incident.unit_consumed


def test_a_unit_is_refunded_only_once(contract_incident, engineer):
    workflow.reject(contract_incident, actor=engineer, reason="Out of scope")
    with pytest.raises(workflow.WorkflowError):
        workflow.route(contract_incident, actor=engineer, team="billing", reason="again")
    contract_incident.contract.refresh_from_db()
    assert contract_incident.contract.units_used == 0
    assert contract_incident.contract.events.filter(kind="refunded").count() == 1


def test_rejecting_without_a_reason_is_refused(contract_incident, engineer):
    with pytest.raises(workflow.WorkflowError):
        workflow.reject(contract_incident, actor=engineer, reason="   ")
    contract_incident.refresh_from_db()
    assert contract_incident.status == Status.SUBMITTED
    assert contract_incident.unit_consumed


def test_routing_to_an_unknown_team_is_refused(contract_incident, engineer):
    with pytest.raises(workflow.WorkflowError):
        workflow.route(contract_incident, actor=engineer, team="nowhere", reason="x")


def test_rejecting_an_incident_without_a_contract_refunds_nothing(incident, engineer):
    workflow.reject(incident, actor=engineer, reason="Duplicate")
    incident.refresh_from_db()
    assert incident.status == Status.REJECTED


# --- contacts ------------------------------------------------------------------------


def test_a_colleague_is_added_as_contact_and_recorded(incident, colleague, partner_user):
    workflow.add_contact(incident, user=colleague, actor=partner_user)
    assert IncidentContact.objects.filter(
        incident=incident, user=colleague, is_primary=False
    ).exists()
    event = last_event(incident)
    assert (event.kind, event.actor) == (Kind.CONTACT_ADDED, partner_user)


def test_a_user_of_another_partner_cannot_be_added(incident, other_user, partner_user):
    with pytest.raises(workflow.WorkflowError):
        workflow.add_contact(incident, user=other_user, actor=partner_user)
    assert not IncidentContact.objects.filter(incident=incident, user=other_user).exists()


def test_the_same_contact_cannot_be_added_twice(incident, partner_user):
    with pytest.raises(workflow.WorkflowError):
        workflow.add_contact(incident, user=partner_user, actor=partner_user)


def test_the_primary_contact_cannot_be_removed(incident, engineer, partner_user):
    with pytest.raises(workflow.WorkflowError):
        workflow.remove_contact(incident, user=partner_user, actor=engineer)
    assert incident.contacts.filter(is_primary=True).count() == 1


def test_an_additional_contact_is_removed_and_recorded(incident, engineer, colleague):
    workflow.add_contact(incident, user=colleague, actor=engineer)
    workflow.remove_contact(incident, user=colleague, actor=engineer)
    assert not incident.contacts.filter(user=colleague).exists()
    assert last_event(incident).kind == Kind.CONTACT_REMOVED


def test_making_another_contact_primary_keeps_exactly_one_primary(
    incident, engineer, colleague, partner_user
):
    workflow.add_contact(incident, user=colleague, actor=engineer, primary=True)
    primaries = list(
        incident.contacts.filter(is_primary=True).values_list("user__username", flat=True)
    )
    assert primaries == ["csaba"]
    incident.refresh_from_db()
    assert incident.contact_email == colleague.email
    # the former primary can now be removed; the new one cannot
    workflow.remove_contact(incident, user=partner_user, actor=engineer)
    with pytest.raises(workflow.WorkflowError):
        workflow.remove_contact(incident, user=colleague, actor=engineer)
    assert incident.contacts.filter(is_primary=True).count() == 1


def test_the_owning_engineer_is_mailed_when_the_partner_answers(
    django_capture_on_commit_callbacks, incident, engineer, partner_user
):
    workflow.take(incident, engineer=engineer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.partner_message(incident, author=partner_user, body="It fails again.")
    assert [m.to for m in mail.outbox] == [[engineer.email]]
    assert "It fails again." in mail.outbox[0].body


def test_nobody_is_mailed_when_the_partner_writes_on_an_unowned_request(
    django_capture_on_commit_callbacks, incident, partner_user
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.partner_message(incident, author=partner_user, body="Any news?")
    assert mail.outbox == []
