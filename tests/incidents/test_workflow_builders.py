"""Builders for the follow-up tests (issue 6). No tests here: imported by test_manage/queue/workflow."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from contracts.models import Platform
from incidents.models import Incident
from incidents.services import IncidentDraft, submit_incident
from tests.builders import make_product

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def make_incident(
    user, *, title="Outlook cannot connect", severity="B", files=(), **extra
) -> Incident:
    """An incident submitted by ``user`` through the real service (contacts, history, clock)."""
    extra.setdefault(
        "product", make_product("Office 365", platform=Platform.OFFICE365, slug="office-365")
    )
    return submit_incident(
        IncidentDraft(
            user=user,
            channel=extra.pop("channel", "office365"),
            title=title,
            description=extra.pop("description", "Users in Budapest get error 0x800CCC0E."),
            severity=severity,
            contact_name=extra.pop("contact_name", user.get_full_name()),
            contact_email=extra.pop("contact_email", user.email),
            files=files,
            **extra,
        )
    )


def text_file(name="log.txt", content=b"line one\nline two\n"):
    return SimpleUploadedFile(name, content, content_type="text/plain")


def png_file(name="screen.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def set_due(incident: Incident, *, minutes: int) -> Incident:
    """Move the response clock so the incident is due ``minutes`` from now (negative: overdue)."""
    incident.response_due_at = timezone.now() + dt.timedelta(minutes=minutes)
    incident.save(update_fields=["response_due_at"])
    return incident
