"""What the incident pages list, read as plain values (no model instances, issue 21).

The engineer's page (incidents/views/queue_detail.py) and the partner's page
(incidents/views/manage.py) show the same thread; one ``.values()`` query with the
author's name replaces ~30 message and user instances on a 30-message incident.
"""

from __future__ import annotations

from .models import Attachment, Message

THREAD_COLUMNS = (
    "pk",
    "body",
    "is_internal",
    "created_at",
    "author__first_name",
    "author__last_name",
    "author__username",
    "author__partner_id",
)


def person_name(first_name: str, last_name: str, username: str) -> str:
    """``get_full_name() or username`` from the columns (AbstractUser's rule)."""
    return f"{first_name} {last_name}".strip() or username


def thread(incident, *, with_internal: bool) -> list[dict]:
    """The messages, oldest first; internal notes only for engineers (``with_internal``)."""
    rows = Message.objects.filter(incident=incident)
    if not with_internal:
        rows = rows.filter(is_internal=False)
    return [
        {
            "pk": row["pk"],
            "body": row["body"],
            "is_internal": row["is_internal"],
            "created_at": row["created_at"],
            "author_name": person_name(
                row["author__first_name"], row["author__last_name"], row["author__username"]
            ),
            "by_partner": row["author__partner_id"] is not None,
        }
        for row in rows.order_by("created_at", "pk").values(*THREAD_COLUMNS)
    ]


def attachments(incident) -> list[dict]:
    """Name, size and id (the download link checks access again) of each file."""
    return list(
        Attachment.objects.filter(incident=incident)
        .order_by("created_at", "pk")
        .values("pk", "original_name", "size")
    )
