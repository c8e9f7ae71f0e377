"""Creating an incident: one function, one transaction (SPEC §3 consumption, §4)."""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.files import File
from django.db import IntegrityError, connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from contracts.models import Contract, Product, ProductVersion
from drafts.models import Draft
from partners.models import AzureSubscription, Customer, User
from portal.lib.mail import outbox_row_rendered_later, queued
from portal.lib.sla import response_due_at

from .first_rows import first_rows_statement, insert_incident, run_first_rows
from .models import Attachment, HistoryEvent, Incident, IncidentContact, Status, Topic

logger = logging.getLogger(__name__)
# The attachment files written inside the innermost files_removed_on_rollback() block.
_written_files: ContextVar[list | None] = ContextVar("written_attachment_files", default=None)


@contextmanager
def files_removed_on_rollback():
    """Attachment files saved inside this block are deleted if the block fails.

    Wrap it around the ``transaction.atomic()`` that saves the rows: when an
    exception rolls the transaction back, no file is left without its row. (A
    process killed outright leaves files that housekeeping sweeps:
    ``drafts.services.purge_orphaned_files``.)
    """
    written: list[str] = []
    token = _written_files.set(written)
    try:
        yield written
    except BaseException:
        for name in written:
            try:
                Attachment.file.field.storage.delete(name)
            except Exception:  # noqa: BLE001 - best effort; the sweep catches the rest
                logger.warning("Could not delete attachment file %s", name, exc_info=True)
        raise
    finally:
        _written_files.reset(token)


class SubmissionError(Exception):
    """The incident could not be created; the message says what to fix."""


def incident_number(incident: Incident) -> str:
    return f"SR-{incident.created_at:%y%m%d}-{incident.pk:06d}"


def _key_and_number_in_insert(created_at) -> dict:
    """The new row's primary key and its :func:`incident_number`, computed inside its
    INSERT (no UPDATE after it): ``{"pk": ..., "number": ...}`` as SQL expressions,
    whose values come back with the INSERT's RETURNING. ``{}`` where the database
    has no way (the number is then set by an UPDATE).

    PostgreSQL: the key is the next value of the table's sequence, the number reads
    it back with ``currval`` in the same row (:func:`_create_incident` checks that
    they agree). SQLite (transactions take the write lock first): one more than the
    largest key ever used, read twice in the same statement.
    """
    prefix = f"SR-{created_at:%y%m%d}-"
    table = Incident._meta.db_table
    vendor = connection.vendor
    if vendor == "postgresql":
        sequence = "pg_get_serial_sequence(%s, 'id')"
        current = f"currval({sequence})::text"
        return {
            "pk": RawSQL(f"nextval({sequence})", [table]),
            "number": RawSQL(
                f"%s || lpad({current}, greatest(6, length({current})), '0')",
                [prefix, table, table],
            ),
        }
    if vendor == "sqlite":
        following = "(SELECT COALESCE(MAX(seq), 0) + 1 FROM sqlite_sequence WHERE name = %s)"
        return {
            "pk": RawSQL(following, [table]),
            "number": RawSQL(f"%s || printf('%%06d', {following})", [prefix, table]),
        }
    return {}


@dataclass
class IncidentDraft:
    """What a channel gathered about a new incident, before it exists.

    Each channel (the Office 365, Azure and Business wizards, CSP requests) builds
    one from its answers and decisions; :func:`submit_incident` turns it into an
    incident.

    * ``reject_reason``: the incident is recorded as **rejected** (e.g. not eligible).
    * ``route_to``: recorded as **routed** to that team (non-technical, out of scope,
      billing); no unit is taken.
    * otherwise it is **submitted** with its first-response due time, taking one unit
      of ``contract`` when one is given.
    * ``submission_key`` makes a repeated final POST return the first incident.
    """

    user: User
    channel: str
    title: str
    description: str
    severity: str
    contact_name: str
    contact_email: str
    contact_phone: str = ""
    time_zone: str = "UTC"
    support_language: str = "en"
    is_24x7: bool = False
    product: Product | None = None
    product_version: ProductVersion | None = None
    topic: Topic | None = None
    customer: Customer | None = None
    subscription: AzureSubscription | None = None
    support_plan: str = ""
    error_message: str = ""
    facts: dict | None = None
    contract: Contract | None = None
    route_to: str = ""
    reject_reason: str = ""
    primary_contact: User | None = None
    additional_contacts: Iterable = ()
    files: Sequence = ()
    submission_key: uuid.UUID | None = None
    break_fix: bool = True
    # The saved wizard draft (drafts.Draft) these answers were kept in: deleted in the
    # submit's transaction, so the incident and the end of its draft commit together
    # (on PostgreSQL inside the statement of the first rows: no DELETE of its own).
    finished_draft_id: int | None = None

    def outcome(self) -> tuple[str, str]:
        """(status, reason) the incident starts in."""
        if self.reject_reason:
            return Status.REJECTED, self.reject_reason
        if self.route_to:
            return Status.ROUTED, ""
        return Status.SUBMITTED, ""


def submit_incident(draft: IncidentDraft) -> Incident:
    """Create the incident with its contacts, files and history, and take a contract unit.

    All in one transaction: when the contract has no unit left, or a file cannot be
    stored, nothing is created (:class:`SubmissionError`, ``OSError``). The
    confirmation e-mail goes to the primary contact's address after commit. The
    finished wizard draft (``finished_draft_id``) is gone whenever this returns.
    """
    # A repeated submission (same ``submission_key``, unique) is found when its
    # INSERT fails (see the IntegrityError below): no lookup on the usual first submit.
    if draft.is_24x7 and draft.severity != "A":
        raise SubmissionError(_("24/7 support can be chosen only with severity A."))
    now = timezone.now()
    status, reason = draft.outcome()
    user, contact_email = draft.user, draft.contact_email
    primary_contact = draft.primary_contact or user
    try:
        with files_removed_on_rollback(), transaction.atomic():
            incident = _create_incident(draft, status, reason, now)
            created = {
                "actor_id": user.pk,
                "kind": HistoryEvent.Kind.CREATED,
                "to_status": status,
                "detail": reason or (incident.get_routed_to_display() if draft.route_to else ""),
            }
            # Rendered by the worker that sends it, from the incident as submitted.
            confirmation = outbox_row_rendered_later(
                "incident-submitted",
                [contact_email],
                {"incident": as_submitted(incident), "user": primary_contact.pk},
                language=getattr(primary_contact, "language", None) or translation.get_language(),
            )
            _add_first_rows(incident, draft, primary_contact, created, now, confirmation)
            for upload in draft.files:
                save_attachment(incident, upload, user)
    except IntegrityError:
        # A second POST of the same wizard run raced us: return the first incident.
        if draft.submission_key:
            existing = Incident.objects.filter(submission_key=draft.submission_key).first()
            if existing:
                # The rollback kept this run's draft: it is finished all the same.
                _delete_finished_draft(draft.finished_draft_id)
                return existing
        raise
    return incident


# What the confirmation e-mail reads of a new incident, kept on its outbox row: the
# e-mail tells what was submitted, whatever happens to the incident before it is sent.
CONFIRMED_FIELDS = (
    "id",
    "number",
    "status",
    "status_reason",
    "routed_to",
    "created_at",
    "response_due_at",
    "time_zone",
    "title",
    "severity",
    "is_24x7",
    "contact_name",
    "contact_email",
    "contact_phone",
    "customer_id",
    "product_id",
    "topic_id",
    "contract_id",
)
_CONFIRMED_TIMES = ("created_at", "response_due_at")


def as_submitted(incident: Incident) -> dict:
    """The fields of ``incident`` its confirmation e-mail reads, as JSON values."""
    kept = {name: getattr(incident, name) for name in CONFIRMED_FIELDS}
    for name in _CONFIRMED_TIMES:
        if kept[name] is not None:
            kept[name] = kept[name].isoformat()
    return kept


def confirmation_context(kept: dict) -> dict:
    """The confirmation e-mail's context from its outbox row (``as_submitted``), for the
    worker that renders it (portal.lib.mail.RENDERED_BY_WORKER)."""
    fields = dict(kept["incident"])
    for name in _CONFIRMED_TIMES:
        if fields.get(name):
            fields[name] = datetime.datetime.fromisoformat(fields[name])
    incident = Incident(**fields)
    incident._state.adding = False  # the row exists; its related rows are read on use
    return {"incident": incident, "user": User.objects.filter(pk=kept["user"]).first()}


def _create_incident(draft: IncidentDraft, status: str, reason: str, now) -> Incident:
    """The incident row, numbered from its primary key (in its INSERT where the database can).

    ``unit_consumed`` is set when a unit is to be taken: if none can be, the
    transaction is rolled back and the row never existed.
    """
    submitted = status == Status.SUBMITTED
    numbered = _key_and_number_in_insert(now)
    incident = Incident(
        **(numbered or {"number": f"pending-{uuid.uuid4().hex[:24]}"}),  # fits max_length=32
        unit_consumed=submitted and draft.contract is not None,
        channel=draft.channel,
        partner_id=draft.user.partner_id,
        submitted_by=draft.user,
        product=draft.product,
        product_version=draft.product_version,
        topic=draft.topic,
        customer=draft.customer,
        subscription=draft.subscription,
        support_plan=draft.support_plan,
        title=draft.title,
        description=draft.description,
        error_message=draft.error_message,
        facts=draft.facts or {},
        severity=draft.severity,
        is_24x7=draft.is_24x7,
        support_language=draft.support_language,
        time_zone=draft.time_zone,
        contact_name=draft.contact_name,
        contact_phone=draft.contact_phone,
        contact_email=draft.contact_email,
        status=status,
        status_reason=reason,
        routed_to=draft.route_to if status == Status.ROUTED else "",
        contract=draft.contract if submitted else None,
        created_at=now,
        response_due_at=(
            response_due_at(
                now,
                draft.severity,
                is_24x7=draft.is_24x7,
                language=draft.support_language,
                time_zone=draft.time_zone,
                break_fix=draft.break_fix,
            )
            if submitted
            else None
        ),
        submission_key=draft.submission_key,
    )
    insert_incident(incident)  # incident.save(force_insert=True), compiled once
    number = incident_number(incident)
    if incident.number != number:  # not numbered by the INSERT (or not as expected)
        incident.number = number
        incident.save(update_fields=["number"])
    return incident


def _take_unit(incident: Incident, contract: Contract, user, within=None) -> None:
    if not contract.consume_unit(incident_number=incident.number, actor=user, within=within):
        raise SubmissionError(
            _("The contract %(contract)s has no units left. Choose another contract or add one.")
            % {"contract": contract.contract_id}
        )


def _add_first_rows(
    incident: Incident, draft: IncidentDraft, primary_contact, created: dict, now, email
) -> None:
    """The contract unit when one is taken, the primary contact, each other colleague
    once, the "created" history row, the confirmation's outbox row (``email``, or None:
    nothing to send) and the deletion of the finished wizard draft; one statement on
    PostgreSQL (incidents.first_rows)."""
    extra = {c.pk: c for c in draft.additional_contacts if c.pk != primary_contact.pk}
    contacts = [(primary_contact.pk, True), *((pk, False) for pk in extra)]
    statement = first_rows_statement(
        incident, contacts, created, now, email, finished_draft_id=draft.finished_draft_id
    )
    if incident.unit_consumed:  # runs the statement, with the unit's clauses, if there is one
        _take_unit(incident, draft.contract, draft.user, within=statement)
    if statement is not None:
        run_first_rows(statement, email)
    else:
        _delete_finished_draft(draft.finished_draft_id)
        IncidentContact.objects.bulk_create(
            [
                IncidentContact(incident=incident, user_id=pk, is_primary=primary, added_at=now)
                for pk, primary in contacts
            ]
        )
        HistoryEvent.objects.create(incident=incident, created_at=now, **created)
        if email is not None:
            email.save(force_insert=True)
    if email is not None:
        queued(email)


def _delete_finished_draft(draft_id: int | None) -> None:
    if draft_id is not None:
        Draft.objects.filter(pk=draft_id).delete_rows()


def save_attachment(incident: Incident, upload, user) -> Attachment:
    """Store one already-validated upload under a generated name."""
    name = getattr(upload, "display_name", None) or upload.name
    attachment = Attachment(
        incident=incident,
        original_name=name.rsplit("/", 1)[-1][:255],
        content_type=getattr(upload, "content_type", "") or "application/octet-stream",
        size=upload.size,
        uploaded_by=user,
    )
    upload.seek(0)
    attachment.file.save(name, File(upload), save=False)
    written = _written_files.get()
    if written is not None:
        written.append(attachment.file.name)
    try:
        attachment.save()
    except BaseException:
        if written is None:  # no enclosing guard: remove the file here
            attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment
