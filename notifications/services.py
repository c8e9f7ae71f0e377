"""The outbox: queue a message in the caller's transaction; the outbox row is the queue.

One INSERT per message: the worker (manage.py run_worker) polls the due rows itself
(``deliver_due``: ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, an exclusive
transaction on SQLite), so no task row is written per message. With a task backend
that runs tasks at once (no worker: tests, a one-process demo) the message is
delivered on commit instead.

At-least-once delivery: a row is claimed by a conditional UPDATE (so two workers
never send it at the same time), marked sent only after the SMTP server accepted
it, retried with backoff on transient errors (the row waits for its
``next_attempt_at``), kept as failed otherwise. A worker killed mid-send leaves the
row "sending"; after EMAIL_SENDING_TIMEOUT_SECONDS it is claimable again (same
Message-ID, so a duplicate is recognisable).
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
from django.tasks import task_backends
from django.tasks.backends.immediate import ImmediateBackend
from django.utils import timezone
from django_tasks_db.utils import exclusive_transaction

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


def outbox_row(message: EmailMessage) -> OutgoingEmail | None:
    """The outbox row for ``message``, not saved yet; None when nothing is to be sent
    (no recipient, or the dummy mailer). Save it in the caller's transaction, then
    call :func:`queued`."""
    if not message.recipients() or _mail_discarded():
        return None
    from_email = message.from_email or settings.DEFAULT_FROM_EMAIL
    return OutgoingEmail(
        to=list(message.to),
        from_email=from_email,
        subject=one_line(message.subject),
        text=str(message.body),
        html=_html_of(message),
        message_id=_message_id(from_email),
    )


def outbox_row_to_render(
    name: str, to: list[str], context: dict, *, language: str
) -> OutgoingEmail | None:
    """The outbox row of an e-mail the worker renders at its first attempt
    (``portal.lib.mail.outbox_row_rendered_later``), not saved yet; None when nothing
    is to be sent."""
    to = [address for address in to if address]  # as EmailMessage.recipients()
    if not to or _mail_discarded():
        return None
    from_email = settings.DEFAULT_FROM_EMAIL
    return OutgoingEmail(
        to=to,
        from_email=from_email,
        subject="",
        text="",
        template=name,
        context=context,
        language=language or "",
        message_id=_message_id(from_email),
    )


def queued(email: OutgoingEmail) -> OutgoingEmail:
    """``email`` was saved: a worker finds the row when due (without one, it goes on commit)."""
    _deliver_on_commit_without_worker(email.pk)
    return email


def queue_message(message: EmailMessage) -> OutgoingEmail | None:
    """Store ``message`` in the outbox now: one INSERT, the worker finds the row when due."""
    email = outbox_row(message)
    if email is None:
        return None
    email.save(force_insert=True)
    return queued(email)


def _no_worker() -> bool:
    """A task backend that runs tasks at once has no worker to poll the outbox."""
    return isinstance(task_backends["default"], ImmediateBackend)


def _deliver_on_commit_without_worker(pk: int) -> None:
    if _no_worker():
        from .tasks import send_email

        # robust: a failed delivery must not fail the user's request; the row stays pending.
        transaction.on_commit(partial(send_email.enqueue, pk), robust=True)


def _claimable(now: dt.datetime) -> Q:
    stale = now - dt.timedelta(seconds=settings.EMAIL_SENDING_TIMEOUT_SECONDS)
    return Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Status.SENDING, claimed_at__lte=stale
    )


def _claim(pk: int) -> bool:
    now = timezone.now()
    return bool(
        OutgoingEmail.objects.filter(_claimable(now), pk=pk).update(
            status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def claim_due(limit: int = 20) -> list[int]:
    """Claim up to ``limit`` due messages for this worker, oldest due first. Rows another
    worker is claiming are skipped (SKIP LOCKED on PostgreSQL; SQLite's exclusive
    transaction serialises the workers); the conditional UPDATE still decides."""
    with exclusive_transaction(OutgoingEmail.objects.db):
        due = OutgoingEmail.objects.filter(_claimable(timezone.now())).order_by("next_attempt_at")
        pks = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
        return [pk for pk in pks if _claim(pk)]


def deliver_due(limit: int = 20) -> int:
    """The worker's poll: send every message that is due now (retries due at once included);
    returns how many were sent or recorded as failed."""
    handled = 0
    while pks := claim_due(limit):
        for pk in pks:
            _send(pk)
        handled += len(pks)
    return handled


def deliver(pk: int) -> str:
    """Send one queued e-mail; returns what happened ("sent", "retry", "failed", "skipped")."""
    if not _claim(pk):
        return "skipped"  # sent already, failed for good, not due, or another worker has it
    return _send(pk)


def _send(pk: int) -> str:
    email = OutgoingEmail.objects.get(pk=pk)
    try:
        if email.template and not email.text:
            _render(email)
        email.as_message().send()
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row
        return _record_failure(email, exc)
    OutgoingEmail.objects.filter(pk=pk, status=Status.SENDING).update(
        status=Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"


def _render(email: OutgoingEmail) -> None:
    """Render a message queued unrendered and keep the text on its row: a retry sends
    the same message."""
    from portal.lib.mail import render_kept

    rendered = render_kept(email.template, email.context, email.language)
    email.subject, email.text, email.html = one_line(rendered.subject), rendered.text, rendered.html
    OutgoingEmail.objects.filter(pk=email.pk).update(
        subject=email.subject, text=email.text, html=email.html
    )


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
        return "retry"  # the row waits for next_attempt_at; a worker's poll takes it then
    OutgoingEmail.objects.filter(pk=email.pk).update(status=Status.FAILED, last_error=error)
    logger.error("E-mail %s failed for good after %s attempts: %s", email.pk, email.attempts, error)
    return "failed"


def requeue_stalled() -> int:
    """Periodic sweep: "sending" rows left by a worker that died go back to pending (the
    outbox shows them as waiting; any worker's poll sends them). Returns how many."""
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.EMAIL_SENDING_TIMEOUT_SECONDS)
    return OutgoingEmail.objects.filter(status=Status.SENDING, claimed_at__lte=stale).update(
        status=Status.PENDING, next_attempt_at=now
    )


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
            _deliver_on_commit_without_worker(email.pk)
    return bool(queued)
