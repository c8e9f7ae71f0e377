"""Each e-mail the portal sends, end to end: the change commits, the real worker sends it
through a local SMTP server, and it arrives once with a one-line subject."""

from __future__ import annotations

import pytest
from django.db import transaction

from contracts.models import ContractKind
from contracts.services import activate_request, request_activation
from incidents import workflow
from notifications import reminders
from tests.builders import make_contract, make_staff
from tests.contracts.helpers import action_pack_partner, make_admin
from tests.contracts.test_staff_activation import make_request
from tests.incidents.test_workflow_builders import make_incident, set_due
from tests.notifications.conftest import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(partner_user, engineer):
    incident = make_incident(partner_user, title="Calendar\u2028sync stops")
    workflow.take(incident, engineer=engineer)
    return incident


def delivered(smtp, capture, action) -> list:
    run_worker("--no-schedule")  # the set-up's own messages (e.g. "submitted") go first
    smtp.mailbox.received.clear()
    with capture(execute=True):
        with transaction.atomic():
            action()
    run_worker("--no-schedule")
    return [(str(m["To"]), " ".join(str(m["Subject"]).split())) for m in smtp.mailbox.received]


def test_an_engineer_status_change_reaches_the_contact(
    incident, engineer, partner_user, db_queue, smtp, django_capture_on_commit_callbacks
):
    got = delivered(
        smtp,
        django_capture_on_commit_callbacks,
        lambda: (
            workflow.change_status(incident, transition="start", actor=engineer),
            workflow.change_status(incident, transition="wait", actor=engineer),
        ),
    )
    assert got == [
        (partner_user.email, f"Support request {incident.number} is now: Waiting for partner")
    ]


def test_a_partner_message_reaches_the_owning_engineer(
    incident, engineer, partner_user, db_queue, smtp, django_capture_on_commit_callbacks
):
    got = delivered(
        smtp,
        django_capture_on_commit_callbacks,
        lambda: workflow.partner_message(incident, author=partner_user, body="Still broken."),
    )
    assert got == [(engineer.email, f"Contoso Cloud answered on {incident.number}")]


def test_an_activation_request_is_acknowledged(db_queue, smtp, django_capture_on_commit_callbacks):
    partner = action_pack_partner(name="Contoso AP")
    make_contract(partner, kind=ContractKind.PRODUCT_SUPPORT, activated=False)
    admin = make_admin(partner, alternate_email="")
    got = delivered(
        smtp,
        django_capture_on_commit_callbacks,
        lambda: request_activation(
            user=admin,
            location=partner.headquarters,
            contact_name="Ann Admin",
            company=partner.name,
            phone="+36 1 555 0100",
        ),
    )
    assert got == [(admin.email, "Activation request received — Contoso AP")]


def test_activated_contracts_are_mailed(db_queue, smtp, django_capture_on_commit_callbacks):
    partner = action_pack_partner(name="Contoso AP")
    make_contract(partner, kind=ContractKind.PRODUCT_SUPPORT, activated=False)
    request = make_request(partner)
    staff = make_staff("boss")
    got = delivered(
        smtp, django_capture_on_commit_callbacks, lambda: activate_request(request, staff)
    )
    assert got == [
        (
            partner.headquarters.program_contact_email,
            "Your support benefits are activated — Contoso AP",
        )
    ]


def test_the_reminder_reaches_the_owner(
    incident, engineer, db_queue, smtp, django_capture_on_commit_callbacks
):
    set_due(incident, minutes=10)
    got = delivered(smtp, django_capture_on_commit_callbacks, reminders.send_response_reminders)
    assert got == [
        (engineer.email, f"First response due soon on {incident.number}: Calendar sync stops")
    ]


def test_the_digest_reaches_staff(incident, db_queue, smtp, django_capture_on_commit_callbacks):
    staff = make_staff("boss")
    set_due(incident, minutes=-10)
    got = delivered(smtp, django_capture_on_commit_callbacks, reminders.send_overdue_digest)
    assert got == [(staff.email, "1 support request is overdue for its first response")]
