"""The typed draft every channel hands to ``submit_incident`` (issue 16)."""

from __future__ import annotations

import pytest

from incidents.models import Incident, RoutedTeam, Status
from incidents.services import IncidentDraft, SubmissionError, submit_incident
from tests.builders import make_partner, make_user


def draft(user=None, **fields) -> IncidentDraft:
    return IncidentDraft(
        user=user,
        channel="office365",
        title="Mail flow stopped",
        description="No mail since 9:00",
        severity=fields.pop("severity", "B"),
        contact_name="Anna",
        contact_email="anna@example.com",
        **fields,
    )


@pytest.mark.parametrize(
    "fields, outcome",
    [
        ({}, (Status.SUBMITTED, "")),
        ({"route_to": RoutedTeam.BILLING}, (Status.ROUTED, "")),
        ({"reject_reason": "Not eligible."}, (Status.REJECTED, "Not eligible.")),
        (
            {"reject_reason": "Not eligible.", "route_to": RoutedTeam.BILLING},
            (Status.REJECTED, "Not eligible."),
        ),
    ],
)
def test_the_draft_decides_the_status_the_incident_starts_in(fields, outcome):
    assert draft(**fields).outcome() == outcome


def test_a_routed_draft_becomes_a_routed_incident_without_a_due_time(db):
    user = make_user(make_partner())

    incident = submit_incident(draft(user, route_to=RoutedTeam.BILLING))

    assert incident.status == Status.ROUTED
    assert incident.routed_to == RoutedTeam.BILLING
    assert incident.response_due_at is None
    assert incident.contacts.get().user == user


def test_a_24x7_draft_without_severity_a_creates_nothing(db):
    user = make_user(make_partner())

    with pytest.raises(SubmissionError):
        submit_incident(draft(user, severity="B", is_24x7=True))

    assert not Incident.objects.filter(submitted_by=user).exists()
