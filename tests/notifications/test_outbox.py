"""The outbox: one row per message is the queue (no task row), sent by the real worker's
poll, retried, kept when it fails."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from notifications import services
from notifications.models import OutgoingEmail
from portal.lib.mail import queue_email
from tests.notifications.conftest import run_worker

Status = OutgoingEmail.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(partner_user):
    from tests.incidents.test_workflow_builders import make_incident

    incident = make_incident(partner_user, title="Mail is slow")
    OutgoingEmail.objects.all().delete()  # the set-up's own "submitted" message is not the subject
    return incident


def queue_one(incident, capture, to="anna@example.com"):
    with capture(execute=True):
        with transaction.atomic():
            email = queue_email(
                "incident-submitted", [to], {"incident": incident, "user": incident.submitted_by}
            )
    return email


def test_a_message_is_one_row_in_the_transaction_and_sent_only_by_the_worker(
    db_queue, incident, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    email = queue_one(incident, django_capture_on_commit_callbacks)
    email.refresh_from_db()
    assert email.status == Status.PENDING
    assert not DBTaskResult.objects.exists()  # the outbox row is the queue
    assert mail.outbox == []

    run_worker("--no-schedule")

    email.refresh_from_db()
    assert email.status == Status.SENT and email.attempts == 1 and email.sent_at
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == email.message_id
    assert email.message_id.startswith("<") and email.message_id.endswith(">")


def test_a_rolled_back_change_leaves_no_message_and_no_task(db_queue, incident):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_email("incident-submitted", ["a@example.com"], {"incident": incident})
        raise RuntimeError("the user's change failed")
    assert not OutgoingEmail.objects.filter(to=["a@example.com"]).exists()
    assert not DBTaskResult.objects.exists()


def test_two_transient_failures_are_retried_and_one_message_is_delivered(
    db_queue, smtp, incident, django_capture_on_commit_callbacks
):
    smtp.mailbox.fail_first = 2
    email = queue_one(incident, django_capture_on_commit_callbacks)

    run_worker("--no-schedule")

    email.refresh_from_db()
    assert smtp.mailbox.attempts == 3
    assert len(smtp.mailbox.received) == 1
    delivered = smtp.mailbox.received[0]
    assert delivered["Message-ID"] == email.message_id
    assert delivered["To"] == "anna@example.com"
    assert email.status == Status.SENT and email.attempts == 3
    assert email.last_error == ""


def test_retries_back_off(db_queue, smtp, incident, django_capture_on_commit_callbacks, settings):
    settings.EMAIL_RETRY_BACKOFF_SECONDS = 30
    smtp.mailbox.fail_first = 1
    email = queue_one(incident, django_capture_on_commit_callbacks)
    run_worker("--no-schedule")
    email.refresh_from_db()
    assert email.status == Status.PENDING and email.attempts == 1
    assert "451" in email.last_error
    assert email.next_attempt_at > timezone.now() + dt.timedelta(seconds=25)
    # The retry waits for its time: a worker's poll before it sends nothing.
    run_worker("--no-schedule")
    email.refresh_from_db()
    assert email.status == Status.PENDING and email.attempts == 1
    assert smtp.mailbox.attempts == 1 and not DBTaskResult.objects.exists()
    assert services.retry_delay(2) == dt.timedelta(seconds=60)
    # Due time reached: the next worker run delivers it.
    OutgoingEmail.objects.update(next_attempt_at=timezone.now())
    run_worker("--no-schedule")
    email.refresh_from_db()
    assert email.status == Status.SENT and len(smtp.mailbox.received) == 1


def test_a_permanent_refusal_is_kept_as_failed_with_its_error(
    db_queue, smtp, incident, django_capture_on_commit_callbacks
):
    smtp.mailbox.fail_first = 1
    smtp.mailbox.fail_code = "554 5.7.1 Rejected"
    email = queue_one(incident, django_capture_on_commit_callbacks)
    run_worker("--no-schedule")
    email.refresh_from_db()
    assert email.status == Status.FAILED and email.attempts == 1
    assert "554" in email.last_error
    assert smtp.mailbox.received == []


def test_a_message_that_keeps_failing_stops_after_the_maximum_attempts(
    db_queue, smtp, incident, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_MAX_ATTEMPTS = 3
    smtp.mailbox.fail_first = 10
    email = queue_one(incident, django_capture_on_commit_callbacks)
    run_worker("--no-schedule")
    email.refresh_from_db()
    assert email.status == Status.FAILED and email.attempts == 3
    assert smtp.mailbox.attempts == 3


def test_with_the_server_down_the_message_waits_and_goes_out_once_it_is_back(
    db_queue, incident, django_capture_on_commit_callbacks, settings
):
    from tests.notifications.conftest import SmtpServer

    server = SmtpServer()  # not started: connection refused
    settings.MAILERS = server.mailer()
    settings.EMAIL_RETRY_BACKOFF_SECONDS = 3600
    email = queue_one(incident, django_capture_on_commit_callbacks)
    run_worker("--no-schedule")
    email.refresh_from_db()
    assert email.status == Status.PENDING and email.attempts == 1
    assert "Connection" in email.last_error or "refused" in email.last_error.lower()

    server.start()
    try:
        OutgoingEmail.objects.update(next_attempt_at=timezone.now())
        run_worker("--no-schedule")
    finally:
        server.stop()
    email.refresh_from_db()
    assert email.status == Status.SENT
    assert len(server.mailbox.received) == 1


def test_a_claimed_message_is_sent_by_one_worker_only(db_queue, incident, settings):
    email = queue_email("incident-submitted", ["x@example.com"], {"incident": incident})
    assert services._claim(email.pk)
    # A second worker (or an on-commit delivery) finds it taken.
    assert services.deliver(email.pk) == "skipped"
    assert services.claim_due() == []
    email.refresh_from_db()
    assert email.status == Status.SENDING and email.attempts == 1


def test_a_message_left_sending_by_a_dead_worker_is_sent_again_after_the_timeout(
    db_queue, incident, settings
):
    settings.EMAIL_SENDING_TIMEOUT_SECONDS = 60
    email = queue_email("incident-submitted", ["x@example.com"], {"incident": incident})
    services._claim(email.pk)  # the worker died right after claiming
    assert services.requeue_stalled() == 0  # still within the timeout
    OutgoingEmail.objects.update(claimed_at=timezone.now() - dt.timedelta(seconds=61))
    mail.outbox.clear()

    assert services.requeue_stalled() == 1
    run_worker("--no-schedule")

    email.refresh_from_db()
    assert email.status == Status.SENT and email.attempts == 2
    assert len(mail.outbox) == 1


def test_a_committed_message_needs_nothing_but_its_row_to_be_sent(db_queue, incident, settings):
    email = queue_email("incident-submitted", ["x@example.com"], {"incident": incident})
    # Nothing runs on commit (the process may die right after it): the row is enough.
    assert not DBTaskResult.objects.exists()
    mail.outbox.clear()
    run_worker("--no-schedule")
    email.refresh_from_db()
    assert email.status == Status.SENT and email.attempts == 1
    assert len(mail.outbox) == 1


def test_the_poll_claims_only_due_messages_oldest_due_first(db_queue, incident):
    now = timezone.now()
    rows = {
        name: queue_email("incident-submitted", [f"{name}@example.com"], {"incident": incident})
        for name in ["later", "first", "second", "sent", "failed"]
    }
    due = {"later": 60, "first": -120, "second": -60, "sent": -300, "failed": -300}
    for name, seconds in due.items():
        OutgoingEmail.objects.filter(pk=rows[name].pk).update(
            next_attempt_at=now + dt.timedelta(seconds=seconds)
        )
    OutgoingEmail.objects.filter(pk=rows["sent"].pk).update(status=Status.SENT)
    OutgoingEmail.objects.filter(pk=rows["failed"].pk).update(status=Status.FAILED)

    assert services.claim_due(limit=1) == [rows["first"].pk]
    assert services.claim_due() == [rows["second"].pk]
    assert services.claim_due() == []
    statuses = dict(OutgoingEmail.objects.values_list("pk", "status"))
    assert statuses[rows["later"].pk] == Status.PENDING


def test_demo_data_loaded_with_the_dummy_mailer_queues_nothing(settings, incident):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
    before = OutgoingEmail.objects.count()
    assert queue_email("incident-submitted", ["x@example.com"], {"incident": incident}) is None
    assert OutgoingEmail.objects.count() == before


def test_without_recipients_nothing_is_queued(incident):
    assert queue_email("incident-submitted", [], {"incident": incident}) is None
