"""Periodic tasks: claimed once per interval, reminders once per incident, the daily digest,
housekeeping of wizard uploads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from incidents import workflow
from incidents.models import HistoryEvent
from notifications import reminders, scheduler
from notifications.models import IncidentReminder, OutgoingEmail, PeriodicTask
from portal.lib import housekeeping
from tests.builders import make_engineer, make_staff
from tests.incidents.test_workflow_builders import make_incident, set_due
from tests.notifications.conftest import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(partner_user):
    return make_incident(partner_user, title="Teams calls drop")


def reminder_mails():
    return list(OutgoingEmail.objects.filter(subject__startswith="First response due soon"))


# --- the scheduler ---------------------------------------------------------------------
def test_a_due_periodic_task_is_claimed_by_one_tick_only(db_queue, settings):
    settings.PORTAL_PERIODIC_TASKS = {
        "housekeeping": {"task": "portal.lib.housekeeping.run", "interval": 3600}
    }
    assert scheduler.enqueue_due() == ["housekeeping"]
    # A second worker ticking at the same moment finds nothing due.
    assert scheduler.enqueue_due() == []
    row = PeriodicTask.objects.get(name="housekeeping")
    assert row.next_run_at > timezone.now() + dt.timedelta(minutes=59)
    # An hour later it is due again.
    later = timezone.now() + dt.timedelta(hours=1, seconds=1)
    assert scheduler.enqueue_due(now=later) == ["housekeeping"]


def test_the_worker_runs_the_periodic_tasks_it_enqueues(db_queue, settings, partner_user):
    from drafts.models import Draft

    expired = Draft.objects.create(
        user=partner_user,
        wizard="wizard_office365_wizard",
        state={},
        expires_at=timezone.now() - dt.timedelta(days=1),
    )
    settings.PORTAL_PERIODIC_TASKS = {
        "drafts-purge": {"task": "drafts.services.purge_expired_drafts", "interval": 3600}
    }
    run_worker()
    assert not Draft.objects.filter(pk=expired.pk).exists()
    assert PeriodicTask.objects.get(name="drafts-purge").last_run_at is not None


def test_the_schedule_purges_expired_drafts_and_housekeeping_runs(settings):
    from django.conf import settings as live

    tasks = {entry["task"] for entry in live.PORTAL_PERIODIC_TASKS.values()}
    assert {"drafts.services.purge_expired_drafts", "portal.lib.housekeeping.run"} <= tasks


def test_housekeeping_prunes_old_finished_task_records(db_queue, settings):
    from django_tasks_db.models import DBTaskResult

    from notifications.tasks import send_email

    old, recent = send_email.enqueue(1), send_email.enqueue(2)
    DBTaskResult.objects.filter(id=old.id).update(
        status="SUCCESSFUL", finished_at=timezone.now() - dt.timedelta(days=8)
    )
    DBTaskResult.objects.filter(id=recent.id).update(
        status="SUCCESSFUL", finished_at=timezone.now() - dt.timedelta(days=1)
    )
    assert housekeeping.run()["task_results"] == 1
    assert list(DBTaskResult.objects.values_list("id", flat=True)) == [recent.db_result.id]


# --- reminders -------------------------------------------------------------------------
def test_the_owner_is_reminded_once_before_the_first_response_is_due(incident, engineer, settings):
    settings.REMINDER_MARGIN_MINUTES = 30
    workflow.take(incident, engineer=engineer)
    set_due(incident, minutes=20)

    assert reminders.send_response_reminders() == 1
    assert reminders.send_response_reminders() == 0  # never twice

    [email] = reminder_mails()
    assert email.to == [engineer.email]
    assert incident.number in email.subject and "Teams calls drop" in email.subject
    assert IncidentReminder.objects.filter(incident=incident).count() == 1
    event = HistoryEvent.objects.filter(incident=incident, detail__startswith="Reminder").get()
    assert event.is_internal and engineer.username in event.detail


def test_an_unowned_incident_reminds_every_engineer(incident, settings):
    first, second = make_engineer("eng1"), make_engineer("eng2")
    set_due(incident, minutes=5)
    reminders.send_response_reminders()
    assert sorted(e.to[0] for e in reminder_mails()) == sorted([first.email, second.email])


def test_no_reminder_outside_the_margin_or_after_the_first_response(incident, engineer, settings):
    settings.REMINDER_MARGIN_MINUTES = 30
    set_due(incident, minutes=45)
    assert reminders.send_response_reminders() == 0
    set_due(incident, minutes=10)
    workflow.take(incident, engineer=engineer)
    workflow.reply(incident, engineer=engineer, body="On it.")
    assert reminders.send_response_reminders() == 0
    assert reminder_mails() == []


def test_a_reminder_already_recorded_by_another_worker_is_not_sent_again(incident):
    set_due(incident, minutes=5)
    IncidentReminder.objects.create(incident=incident, kind=IncidentReminder.Kind.RESPONSE_DUE)
    assert reminders._remind(incident) is False
    assert reminder_mails() == []


def test_the_daily_digest_lists_overdue_incidents_to_staff(partner_user, settings):
    staff = make_staff("boss")
    late = set_due(make_incident(partner_user, title="Late one"), minutes=-90)
    set_due(make_incident(partner_user, title="Not yet"), minutes=90)

    assert reminders.send_overdue_digest() == 1

    [email] = OutgoingEmail.objects.filter(to=[staff.email])
    assert email.subject == "1 support request is overdue for its first response"
    assert late.number in email.text and "Late one" in email.text
    assert "Not yet" not in email.text


def test_no_digest_when_nothing_is_overdue(incident):
    make_staff("boss")
    set_due(incident, minutes=90)
    before = OutgoingEmail.objects.count()
    assert reminders.send_overdue_digest() == 0
    assert OutgoingEmail.objects.count() == before


def test_the_digest_runs_once_a_day(db_queue, settings, partner_user):
    settings.PORTAL_PERIODIC_TASKS = {
        "overdue-digest": {
            "task": "notifications.reminders.send_overdue_digest",
            "interval": 86400,
        }
    }
    staff = make_staff("boss")
    set_due(make_incident(partner_user, title="Late"), minutes=-5)
    run_worker()
    run_worker()
    assert OutgoingEmail.objects.filter(to=[staff.email]).count() == 1


def test_engineers_group_members_with_a_partner_are_not_engineers(incident, partner_user):
    Group.objects.get(name="Support engineers").user_set.add(partner_user)
    set_due(incident, minutes=5)
    reminders.send_response_reminders()
    assert all(partner_user.email not in e.to for e in reminder_mails())
