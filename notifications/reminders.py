"""Periodic warnings about first responses: a reminder before the due time, a daily digest."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from incidents.models import HistoryEvent, Incident
from portal.lib.mail import queue_email

from .models import IncidentReminder


def _engineers():
    return (
        get_user_model()
        .objects.filter(
            groups__name=settings.SUPPORT_ENGINEERS_GROUP, partner__isnull=True, is_active=True
        )
        .exclude(email="")
        .order_by("pk")
    )


def send_response_reminders(now: dt.datetime | None = None) -> int:
    """Warn the owner (or, unowned, every engineer) of each incident whose first response
    is due within REMINDER_MARGIN_MINUTES; once per incident. Returns how many were warned."""
    now = now or timezone.now()
    margin = dt.timedelta(minutes=settings.REMINDER_MARGIN_MINUTES)
    already = IncidentReminder.objects.filter(
        incident=OuterRef("pk"), kind=IncidentReminder.Kind.RESPONSE_DUE
    )
    due = (
        Incident.objects.awaiting_first_response()
        .filter(response_due_at__gt=now, response_due_at__lte=now + margin)
        .exclude(Exists(already))
        .select_related("owner", "partner")
        .order_by("response_due_at", "pk")
    )
    return sum(_remind(incident) for incident in due)


def _remind(incident: Incident) -> bool:
    owner = incident.owner if incident.owner_id and incident.owner.email else None
    recipients = [owner] if owner else list(_engineers())
    with transaction.atomic():
        try:
            with transaction.atomic():
                IncidentReminder.objects.create(
                    incident=incident, kind=IncidentReminder.Kind.RESPONSE_DUE
                )
        except IntegrityError:
            return False  # another worker reminded first
        for user in recipients:
            queue_email(
                "incident-reminder",
                [user.email],
                {"incident": incident, "recipient": user},
                language=user.language or None,
            )
        with translation.override(settings.LANGUAGE_CODE):
            detail = _("Reminder e-mailed to %(who)s: first response due %(due)s.") % {
                "who": ", ".join(u.get_username() for u in recipients) or "-",
                "due": f"{incident.response_due_at:%Y-%m-%d %H:%M} UTC",
            }
        HistoryEvent.objects.create(
            incident=incident, kind=HistoryEvent.Kind.NOTE, is_internal=True, detail=detail
        )
    return True


def send_overdue_digest(now: dt.datetime | None = None) -> int:
    """E-mail staff the open incidents whose first response is overdue (scheduled daily)."""
    now = now or timezone.now()
    overdue = list(
        Incident.objects.awaiting_first_response()
        .filter(response_due_at__lte=now)
        .select_related("partner", "owner")
        .order_by("response_due_at", "pk")[:500]
    )
    if not overdue:
        return 0
    staff = get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="")
    with transaction.atomic():
        for user in staff.order_by("pk"):
            queue_email(
                "overdue-digest",
                [user.email],
                {"incidents": overdue, "recipient": user, "count": len(overdue)},
                language=user.language or None,
            )
    return len(overdue)
