"""The outbox: queued on commit, sent by the real worker, retried, kept when it fails."""

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

    return make_incident(partner_user, title="Mail is slow")


def queue_one(incident, capture, to="anna@example.com"):
    with capture(execute=True):
        with transaction.atomic():
            email = queue_email(
                "incident-submitted", [to], {"incident": incident, "user": incident.submitted_by}
            )
    return email


def test_a_message_is_stored_in_the_transaction_and_sent_only_by_the_worker(
    db_queue, incident, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    email = queue_one(incident, django_capture_on_commit_callbacks)
    email.refresh_from_db()
    assert email.status == Status.PENDING
    assert DBTaskResult.objects.filter(task_path="notifications.tasks.send_email").count() == 1
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
    # The retry task waits for its time; nothing runs before.
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.run_after == email.next_attempt_at
    assert services.retry_delay(2) == dt.timedelta(seconds=60)
    # Due time reached: the next worker run delivers it.
    OutgoingEmail.objects.update(next_attempt_at=timezone.now())
    DBTaskResult.objects.update(run_after=timezone.now())
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
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        run_worker("--no-schedule")
    finally:
        server.stop()
    email.refresh_from_db()
    assert email.status == Status.SENT
    assert len(server.mailbox.received) == 1


def test_a_claimed_message_is_sent_by_one_worker_only(db_queue, incident, settings):
    email = queue_email("incident-submitted", ["x@example.com"], {"incident": incident})
    assert services._claim(email.pk)
    # A second worker (or a duplicate task) finds it taken.
    assert services.deliver(email.pk) == "skipped"
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


def test_a_pending_message_whose_task_was_lost_is_enqueued_by_the_sweep(
    db_queue, incident, settings
):
    email = queue_email("incident-submitted", ["x@example.com"], {"incident": incident})
    # The on-commit enqueue never ran (e.g. the process died after the commit).
    assert not DBTaskResult.objects.exists()
    OutgoingEmail.objects.update(next_attempt_at=timezone.now() - dt.timedelta(minutes=5))
    run_worker()  # the tick enqueues the sweep, the sweep enqueues the message
    email.refresh_from_db()
    assert email.status == Status.SENT


def test_demo_data_loaded_with_the_dummy_mailer_queues_nothing(settings, incident):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
    before = OutgoingEmail.objects.count()
    assert queue_email("incident-submitted", ["x@example.com"], {"incident": incident}) is None
    assert OutgoingEmail.objects.count() == before


def test_without_recipients_nothing_is_queued(incident):
    assert queue_email("incident-submitted", [], {"incident": incident}) is None
