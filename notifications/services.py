"""The outbox: queue a message in the caller's transaction, deliver it from a task.

At-least-once delivery: a row is claimed by a conditional UPDATE (so two workers
never send it at the same time), marked sent only after the SMTP server accepted
it, retried with backoff on transient errors, kept as failed otherwise. A worker
killed mid-send leaves the row "sending"; after EMAIL_SENDING_TIMEOUT_SECONDS the
sweep hands it out again (same Message-ID, so a duplicate is recognisable).
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from email.utils import make_msgid, parseaddr
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from portal.lib.mail import one_line

from .models import OutgoingEmail

logger = logging.getLogger(__name__)
Status = OutgoingEmail.Status


def _mail_discarded() -> bool:
    """The dummy mailer (e.g. demo data loaded without mail) throws messages away."""
    backend = settings.MAILERS.get("default", {}).get("BACKEND", "")
    return backend.endswith("dummy.EmailBackend")


def _message_id(from_email: str) -> str:
    domain = parseaddr(from_email)[1].rpartition("@")[2] or "localhost"
    return make_msgid(domain=domain)


def _html_of(message: EmailMessage) -> str:
    for alternative in getattr(message, "alternatives", []) or []:
        content, mimetype = alternative[0], alternative[1]
        if mimetype == "text/html":
            return str(content)
    return ""


def queue_message(message: EmailMessage) -> OutgoingEmail | None:
    """Store ``message`` in the outbox now and enqueue its delivery on commit."""
    if not message.recipients() or _mail_discarded():
        return None
    from_email = message.from_email or settings.DEFAULT_FROM_EMAIL
    email = OutgoingEmail.objects.create(
        to=list(message.to),
        from_email=from_email,
        subject=one_line(message.subject),
        text=str(message.body),
        html=_html_of(message),
        message_id=_message_id(from_email),
    )
    # robust: a queue that cannot be reached must not fail the user's request;
    # the sweep enqueues the row later.
    transaction.on_commit(partial(enqueue_delivery, email.pk), robust=True)
    return email


def enqueue_delivery(pk: int, *, run_after: dt.datetime | None = None) -> None:
    from .tasks import send_email

    task = send_email
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # the sweep picks the row up when it is due
        task = task.using(run_after=run_after)
    task.enqueue(pk)


def _claim(pk: int) -> bool:
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.EMAIL_SENDING_TIMEOUT_SECONDS)
    claimable = Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Status.SENDING, claimed_at__lte=stale
    )
    return bool(
        OutgoingEmail.objects.filter(claimable, pk=pk).update(
            status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def deliver(pk: int) -> str:
    """Send one queued e-mail; returns what happened ("sent", "retry", "failed", "skipped")."""
    if not _claim(pk):
        return "skipped"  # sent already, failed for good, not due, or another worker has it
    email = OutgoingEmail.objects.get(pk=pk)
    try:
        email.as_message().send()
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row
        return _record_failure(email, exc)
    OutgoingEmail.objects.filter(pk=pk, status=Status.SENDING).update(
        status=Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"


def is_transient(exc: BaseException) -> bool:
    """4xx replies, dropped connections and timeouts are worth another try; 5xx are not."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, smtplib.SMTPServerDisconnected | OSError)


def retry_delay(attempts: int) -> dt.timedelta:
    base = settings.EMAIL_RETRY_BACKOFF_SECONDS
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


def _record_failure(email: OutgoingEmail, exc: Exception) -> str:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if is_transient(exc) and email.attempts < settings.EMAIL_MAX_ATTEMPTS:
        when = timezone.now() + retry_delay(email.attempts)
        OutgoingEmail.objects.filter(pk=email.pk).update(
            status=Status.PENDING, next_attempt_at=when, last_error=error
        )
        logger.warning(
            "E-mail %s: attempt %s failed (%s), retrying", email.pk, email.attempts, error
        )
        enqueue_delivery(email.pk, run_after=when)
        return "retry"
    OutgoingEmail.objects.filter(pk=email.pk).update(status=Status.FAILED, last_error=error)
    logger.error("E-mail %s failed for good after %s attempts: %s", email.pk, email.attempts, error)
    return "failed"


def requeue_stalled(limit: int = 500) -> int:
    """Periodic sweep: enqueue pending rows whose own task is overdue (e.g. the enqueue
    on commit failed, or the backend cannot defer) and "sending" rows left by a worker
    that died. Claiming in ``deliver`` makes a duplicate task harmless."""
    now = timezone.now()
    overdue = now - dt.timedelta(seconds=settings.EMAIL_REQUEUE_AFTER_SECONDS)
    stale = now - dt.timedelta(seconds=settings.EMAIL_SENDING_TIMEOUT_SECONDS)
    pks = list(
        OutgoingEmail.objects.filter(
            Q(status=Status.PENDING, next_attempt_at__lte=overdue)
            | Q(status=Status.SENDING, claimed_at__lte=stale)
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in pks:
        enqueue_delivery(pk)
    return len(pks)


def resend(email: OutgoingEmail, *, reason: str) -> bool:
    """Staff decision: queue a failed message again (same Message-ID, it never arrived),
    with the reason on record. Messages sent or still on their way are left alone."""
    stamp = timezone.now()
    note = f"{email.note}\n{stamp:%Y-%m-%d %H:%M} re-send: {one_line(reason)}".strip()
    with transaction.atomic():
        queued = OutgoingEmail.objects.filter(pk=email.pk, status=Status.FAILED).update(
            status=Status.PENDING, attempts=0, next_attempt_at=stamp, note=note
        )
        if queued:
            transaction.on_commit(partial(enqueue_delivery, email.pk), robust=True)
    return bool(queued)
