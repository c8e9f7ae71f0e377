"""Following up an incident (SPEC §5): every state change is one named function here.

Each function runs in ``transaction.atomic`` on a row-locked incident, records a
:class:`HistoryEvent` with who and when, and sends e-mail only after commit
(portal/lib/mail.py). Views call these; forms only validate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.lib.mail import make_message, send_after_commit

from .models import (
    HistoryEvent,
    Incident,
    IncidentContact,
    Message,
    RoutedTeam,
    Status,
)
from .services import files_removed_on_rollback, save_attachment


class WorkflowError(Exception):
    """The change was refused; the message tells the user why."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: Promise
    sources: tuple[str, ...]
    target: str


# submitted → in progress ⇄ waiting for partner → resolved → closed
TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("start", gettext_lazy("Start work"), (Status.SUBMITTED,), Status.IN_PROGRESS),
        Transition("wait", gettext_lazy("Wait for partner"), (Status.IN_PROGRESS,), Status.WAITING),
        Transition("resume", gettext_lazy("Resume work"), (Status.WAITING,), Status.IN_PROGRESS),
        Transition(
            "resolve",
            gettext_lazy("Mark resolved"),
            (Status.IN_PROGRESS, Status.WAITING),
            Status.RESOLVED,
        ),
        Transition("close", gettext_lazy("Close"), (Status.RESOLVED,), Status.CLOSED),
    )
}


# What a partner's own user may do: close the request whatever its stage (the problem
# went away, or it was solved elsewhere). The unit is not given back: that is for
# requests the programme turns away (reject, route).
PARTNER_CLOSE = Transition(
    "partner_close",
    gettext_lazy("Close the request"),
    (Status.SUBMITTED, Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED),
    Status.CLOSED,
)


def available_transitions(incident: Incident) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if incident.status in t.sources]


def _locked(incident: Incident) -> Incident:
    """Re-read the row under a lock so two engineers cannot interleave changes."""
    incident.refresh_from_db(from_queryset=Incident.objects.select_for_update())
    return incident


def _record(incident: Incident, actor, kind: str, *, internal: bool = False, **fields):
    return HistoryEvent.objects.create(
        incident=incident,
        actor=actor,
        kind=kind,
        is_internal=internal,
        created_at=timezone.now(),
        **fields,
    )


def _touch(incident: Incident, *fields: str) -> None:
    incident.save(update_fields=[*fields, "updated_at"])


def _require_open(incident: Incident) -> None:
    if not incident.is_open:
        raise WorkflowError(
            _("Request %(number)s is %(status)s; it can no longer be changed this way.")
            % {"number": incident.number, "status": incident.get_status_display()}
        )


# --- owner --------------------------------------------------------------------------


def take(incident: Incident, *, engineer) -> Incident:
    """The engineer makes themselves the owner."""
    return assign(incident, engineer=engineer, actor=engineer)


def assign(incident: Incident, *, engineer, actor) -> Incident:
    """Make ``engineer`` (a member of "Support engineers") the owner."""
    if not engineer.is_support_engineer:
        raise WorkflowError(_("Only a support engineer can own a request."))
    with transaction.atomic():
        _locked(incident)
        _require_open(incident)
        if incident.owner_id == engineer.pk:
            return incident
        previous = incident.owner
        incident.owner = engineer
        _touch(incident, "owner")
        _record(
            incident,
            actor,
            HistoryEvent.Kind.ASSIGNED,
            detail=(
                _("%(old)s → %(new)s") % {"old": _name(previous), "new": _name(engineer)}
                if previous
                else _name(engineer)
            ),
        )
    return incident


# --- communications -----------------------------------------------------------------


def reply(incident: Incident, *, engineer, body: str) -> Message:
    """A partner-visible reply from an engineer; the first one stops the response clock.

    Every contact gets the reply by e-mail.
    """
    with transaction.atomic():
        _locked(incident)
        now = timezone.now()
        message = Message.objects.create(
            incident=incident, author=engineer, body=body, created_at=now
        )
        fields = []
        if incident.first_response_at is None:
            incident.first_response_at = now
            fields.append("first_response_at")
            _record(
                incident,
                engineer,
                HistoryEvent.Kind.FIRST_RESPONSE,
                detail=HistoryEvent.ON_TIME
                if incident.response_due_at is None or now <= incident.response_due_at
                else HistoryEvent.LATE,
            )
        _touch(incident, *fields)
        _record(incident, engineer, HistoryEvent.Kind.MESSAGE, detail=_excerpt(body))
        _mail_contacts(incident, "incident-reply", {"message": message})
    return message


def partner_message(incident: Incident, *, author, body: str, files: Sequence = ()) -> Message:
    """A contact writes to the engineer; while waiting for the partner, work resumes."""
    with transaction.atomic():
        _locked(incident)
        if incident.status in (Status.CLOSED, Status.REJECTED, Status.ROUTED):
            raise WorkflowError(
                _("Request %(number)s is %(status)s. Submit a new request instead.")
                % {"number": incident.number, "status": incident.get_status_display()}
            )
        message = Message.objects.create(incident=incident, author=author, body=body)
        _touch(incident)
        _record(incident, author, HistoryEvent.Kind.MESSAGE, detail=_excerpt(body))
        for upload in files:
            _attach(incident, upload, author)
        if incident.status == Status.WAITING:
            _apply(incident, TRANSITIONS["resume"], author)
        if incident.owner_id and incident.owner.email:
            # The owning engineer hears about the answer without watching the queue.
            send_after_commit(
                make_message(
                    "incident-reply-partner",
                    [incident.owner.email],
                    {"incident": incident, "recipient": incident.owner, "message": message},
                    language=incident.owner.language or None,
                )
            )
    return message


def add_note(incident: Incident, *, engineer, body: str) -> Message:
    """An internal note: engineers only, never shown or mailed to partners."""
    with transaction.atomic():
        _locked(incident)
        note = Message.objects.create(
            incident=incident, author=engineer, body=body, is_internal=True
        )
        _touch(incident)
        _record(incident, engineer, HistoryEvent.Kind.NOTE, internal=True, detail=_excerpt(body))
    return note


def add_attachments(incident: Incident, *, files: Sequence, actor) -> list:
    """Store files already validated by :class:`portal.lib.uploads.AttachmentsField`."""
    with files_removed_on_rollback(), transaction.atomic():
        _locked(incident)
        if incident.status in (Status.CLOSED, Status.REJECTED, Status.ROUTED):
            raise WorkflowError(
                _("Request %(number)s is %(status)s; files can no longer be added.")
                % {"number": incident.number, "status": incident.get_status_display()}
            )
        saved = [_attach(incident, upload, actor) for upload in files]
        _touch(incident)
    return saved


def _attach(incident: Incident, upload, actor):
    attachment = save_attachment(incident, upload, actor)
    _record(incident, actor, HistoryEvent.Kind.ATTACHMENT, detail=attachment.original_name)
    return attachment


# --- status -------------------------------------------------------------------------


def change_status(incident: Incident, *, transition: str, actor, note: str = "") -> Incident:
    """Apply one named transition; anything else is refused with a message."""
    step = TRANSITIONS.get(transition)
    if step is None:
        raise WorkflowError(_("Unknown status change."))
    with transaction.atomic():
        _locked(incident)
        if incident.status not in step.sources:
            raise WorkflowError(
                _("A request that is %(status)s cannot be changed with “%(action)s”.")
                % {"status": incident.get_status_display(), "action": step.label}
            )
        _apply(incident, step, actor, note=note)
    return incident


def close_by_partner(incident: Incident, *, actor, note: str = "") -> Incident:
    """A contact of the partner closes the request (the API's ``status: closed``)."""
    with transaction.atomic():
        _locked(incident)
        if incident.status not in PARTNER_CLOSE.sources:
            raise WorkflowError(
                _("A request that is %(status)s cannot be changed with “%(action)s”.")
                % {"status": incident.get_status_display(), "action": PARTNER_CLOSE.label}
            )
        _apply(incident, PARTNER_CLOSE, actor, note=note)
    return incident


def _apply(incident: Incident, step: Transition, actor, *, note: str = "") -> None:
    old = incident.status
    incident.status = step.target
    _touch(incident, "status")
    _record(
        incident,
        actor,
        HistoryEvent.Kind.STATUS,
        from_status=old,
        to_status=step.target,
        detail=note,
    )
    if step.target in (Status.WAITING, Status.RESOLVED, Status.CLOSED):
        _mail_contacts(incident, "incident-status", {"note": note})


def reject(incident: Incident, *, actor, reason: str) -> Incident:
    """Reject as ineligible or out of scope; the contract unit is given back."""
    return _end_with_reason(incident, actor=actor, status=Status.REJECTED, reason=reason)


def route(incident: Incident, *, actor, team: str, reason: str) -> Incident:
    """Hand over to another team (billing, partner programme …); the unit is given back."""
    if team not in RoutedTeam.values:
        raise WorkflowError(_("Choose the team to route the request to."))
    return _end_with_reason(incident, actor=actor, status=Status.ROUTED, reason=reason, team=team)


def _end_with_reason(incident: Incident, *, actor, status: str, reason: str, team: str = ""):
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Give the reason; the partner will see it."))
    with transaction.atomic():
        _locked(incident)
        _require_open(incident)
        old = incident.status
        incident.status = status
        incident.status_reason = reason
        incident.routed_to = team
        fields = ["status", "status_reason", "routed_to"]
        if incident.unit_consumed and incident.contract_id:
            incident.contract.refund_unit(incident_number=incident.number, actor=actor, note=reason)
            incident.unit_consumed = False
            fields.append("unit_consumed")
        _touch(incident, *fields)
        detail = f"{RoutedTeam(team).label}: {reason}" if team else reason
        _record(
            incident,
            actor,
            HistoryEvent.Kind.STATUS,
            from_status=old,
            to_status=status,
            detail=detail,
        )
        _mail_contacts(incident, "incident-status", {"note": reason})
    return incident


# --- contacts -----------------------------------------------------------------------


def add_contact(incident: Incident, *, user, actor, primary: bool = False) -> IncidentContact:
    """Add a user of the incident's partner as an additional (or the primary) contact."""
    if user.partner_id != incident.partner_id or not user.is_active:
        raise WorkflowError(_("Only active users of the same partner can be contacts."))
    with transaction.atomic():
        _locked(incident)
        contact, created = IncidentContact.objects.get_or_create(incident=incident, user=user)
        if not created and not primary:
            raise WorkflowError(_("%(name)s is already a contact.") % {"name": _name(user)})
        if created:
            _touch(incident)
            _record(incident, actor, HistoryEvent.Kind.CONTACT_ADDED, detail=_name(user))
        if primary:
            _make_primary(incident, contact, actor)
    return contact


def make_primary(incident: Incident, *, user, actor) -> IncidentContact:
    """Make an existing contact the primary one; the old primary stays as additional."""
    with transaction.atomic():
        _locked(incident)
        contact = IncidentContact.objects.filter(incident=incident, user=user).first()
        if contact is None:
            raise WorkflowError(_("%(name)s is not a contact.") % {"name": _name(user)})
        _make_primary(incident, contact, actor)
    return contact


def _make_primary(incident: Incident, contact: IncidentContact, actor) -> None:
    if contact.is_primary:
        return
    IncidentContact.objects.filter(incident=incident, is_primary=True).update(is_primary=False)
    contact.is_primary = True
    contact.save(update_fields=["is_primary"])
    user = contact.user
    incident.contact_name = user.get_full_name() or user.username
    incident.contact_email = user.email
    fields = ["contact_name", "contact_email"]
    if getattr(user, "phone", None):
        incident.contact_phone = str(user.phone)
        fields.append("contact_phone")
    _touch(incident, *fields)
    _record(
        incident,
        actor,
        HistoryEvent.Kind.CONTACT_ADDED,
        detail=_("%(name)s is now the primary contact") % {"name": _name(user)},
    )


def remove_contact(incident: Incident, *, user, actor) -> None:
    """Remove an additional contact. The primary contact is never removed (make another primary first)."""
    with transaction.atomic():
        _locked(incident)
        contact = IncidentContact.objects.filter(incident=incident, user=user).first()
        if contact is None:
            raise WorkflowError(_("%(name)s is not a contact.") % {"name": _name(user)})
        if contact.is_primary:
            raise WorkflowError(
                _(
                    "%(name)s is the primary contact. Make another contact primary before "
                    "removing them."
                )
                % {"name": _name(user)}
            )
        contact.delete()
        _touch(incident)
        _record(incident, actor, HistoryEvent.Kind.CONTACT_REMOVED, detail=_name(user))


# --- helpers ------------------------------------------------------------------------


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _excerpt(body: str, limit: int = 200) -> str:
    body = " ".join(body.split())
    return body if len(body) <= limit else body[: limit - 1] + "…"


def _mail_contacts(incident: Incident, name: str, ctx: dict) -> None:
    """One e-mail per contact, in the contact's language, sent after commit."""
    contacts = IncidentContact.objects.filter(incident=incident).select_related("user")
    seen = set()
    for contact in contacts:
        # The primary contact is written to at the address given for this request.
        address = (incident.contact_email if contact.is_primary else "") or contact.user.email
        if not address or address.lower() in seen:
            continue
        seen.add(address.lower())
        send_after_commit(
            make_message(
                name,
                [address],
                {"incident": incident, "recipient": contact.user, **ctx},
                language=contact.user.language or None,
            )
        )
