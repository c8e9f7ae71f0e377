"""What the incident pages list, read as plain values (no model instances, issue 21).

The engineer's page (incidents/views/queue_detail.py) and the partner's page
(incidents/views/manage.py) show the same thread; one ``.values()`` query with the
author's name replaces ~30 message and user instances on a 30-message incident.

The incident itself is read with few joins: PostgreSQL plans a 10-table join in
several milliseconds (more than the rest of the page's queries together), so the
product and the topic come from the cached catalogue (incidents/lookups.py) and the
version's name from a sub-select, which is planned on its own.
"""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.db.models.signals import post_delete, post_save
from django.shortcuts import get_object_or_404
from django.utils import formats, timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from contracts.models import ProductVersion
from portal.lib.caching import generation, new_generation

from .lookups import LOOKUP_TTL, product_choices, topic_path
from .models import Attachment, HistoryEvent, IncidentContact, Message, Status

HISTORY_COLUMNS = (
    "kind",
    "from_status",
    "to_status",
    "detail",
    "created_at",
    "actor_id",
    "actor__first_name",
    "actor__last_name",
    "actor__username",
)
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


class Moments:
    """A time as the pages show it: ISO 8601 for ``<time datetime>`` and the
    localized DATETIME_FORMAT of the detail page's facts and due time, both in the
    reader's zone; the format is looked up once per list."""

    def __init__(self):
        self.format = formats.get_format("DATETIME_FORMAT")

    def __call__(self, moment) -> dict:
        local = timezone.localtime(moment)
        return {"iso": local.isoformat(), "shown": formats.date_format(local, self.format)}


def thread(incident, *, with_internal: bool) -> list[dict]:
    """The messages, oldest first; internal notes only for engineers (``with_internal``)."""
    rows = Message.objects.filter(incident=incident)
    if not with_internal:
        rows = rows.filter(is_internal=False)
    moment = Moments()
    return [
        {
            "pk": row["pk"],
            "body": row["body"],
            "is_internal": row["is_internal"],
            "sent": moment(row["created_at"]),
            "author_name": person_name(
                row["author__first_name"], row["author__last_name"], row["author__username"]
            ),
            "by_partner": row["author__partner_id"] is not None,
        }
        for row in rows.order_by("created_at", "pk").values(*THREAD_COLUMNS)
    ]


def history(incident, *, with_internal: bool) -> list[dict]:
    """The history, oldest first, with its labels; internal events only for engineers."""
    rows = HistoryEvent.objects.filter(incident=incident)
    if not with_internal:
        rows = rows.filter(is_internal=False)
    kinds, statuses, moment = dict(HistoryEvent.Kind.choices), dict(Status.choices), Moments()
    events = []
    for row in rows.order_by("created_at", "pk").values(*HISTORY_COLUMNS):
        kind, to_status = row["kind"], row["to_status"]
        shows_status = kind == HistoryEvent.Kind.STATUS or (
            kind == HistoryEvent.Kind.CREATED and to_status and to_status != Status.SUBMITTED
        )
        events.append(
            {
                "kind": kind,
                "label": kinds.get(kind, kind),
                "shows_status": bool(shows_status),
                "from_status": statuses.get(row["from_status"], row["from_status"]),
                "to_status": statuses.get(to_status, to_status),
                "detail": HistoryEvent.detail_label(kind, row["detail"]),
                "when": moment(row["created_at"]),
                "actor_name": row["actor_id"]
                and person_name(
                    row["actor__first_name"], row["actor__last_name"], row["actor__username"]
                ),
            }
        )
    return events


def attachments(incident) -> list[dict]:
    """Name, size and id (the download link checks access again) of each file."""
    return list(
        Attachment.objects.filter(incident=incident)
        .order_by("created_at", "pk")
        .values("pk", "original_name", "size")
    )


def contacts(incident) -> list[dict]:
    """The incident's contacts, primary first: user id, name, e-mail."""
    rows = IncidentContact.objects.filter(incident=incident).order_by("-is_primary", "added_at")
    return [
        {
            "user_id": row["user_id"],
            "name": person_name(
                row["user__first_name"], row["user__last_name"], row["user__username"]
            ),
            "email": row["user__email"],
            "is_primary": row["is_primary"],
        }
        for row in rows.values(
            "user_id",
            "is_primary",
            "user__first_name",
            "user__last_name",
            "user__username",
            "user__email",
        )
    ]


def with_version_name(incidents):
    """``version_name``: the incident's product version, without joining its table."""
    versions = ProductVersion.objects.filter(pk=OuterRef("product_version_id"))
    return incidents.annotate(version_name=Subquery(versions.order_by().values("name")[:1]))


def page_incident(incidents, number: str):
    """The incident a detail page shows, from ``incidents`` (the reader's ``visible_to``), or 404.

    Its own columns only, no join: the partner, the people, the contract, the subscription
    and the version are drawn in cached fragments and read (``with_related``) only when one
    of them is missing. Planning a 7-table join costs PostgreSQL several milliseconds on
    every view, more than reading the row. The search vector is never shown.
    """
    return get_object_or_404(incidents.defer("search_vector"), number=number)


def with_related(incident, related: tuple[str, ...]):
    """``incident`` read again with ``related`` joined and its version's name (one query),
    for the cached fragments that show them; access was decided when ``incident`` was read."""
    incidents = type(incident).objects.select_related(*related).defer("search_vector")
    return with_version_name(incidents).get(pk=incident.pk)


def catalogue_labels(incident) -> dict:
    """The product's name and the topic's path (active language) from the cached catalogue;
    ``catalogue_key``, both in one string, varies the cached fragments that show them, so a
    product or topic renamed shows at once (the catalogue is dropped on change)."""
    product = dict(product_choices()).get(str(incident.product_id)) if incident.product_id else ""
    path = topic_path(incident.topic_id)
    return {
        "product_label": product,
        "topic_path": path,
        "catalogue_key": "\x1f".join((product or "", *path)),
    }


# --- the rendered incident, thread, history, files and contacts, cached per incident ----------
# The pages {% cache %} these under ``fragment_key``; the rows (and the incident's related
# objects) are read only when a fragment is missing (``lazy``). The key holds everything
# the HTML depends on: the incident's updated_at (every workflow action saves it; nothing
# updates an incident without saving it), a per-incident generation that any saved or
# deleted message, history event, attachment or contact drops (the admin and the
# reminders write them without touching the incident), the viewer's kind (an engineer's
# fragment holds the internal notes, a partner's never does: two different keys), the
# language and the time zone. Entries live LOOKUP_TTL seconds, so a renamed author,
# partner, customer or contract shows within a minute on every worker, like the look-up
# lists. What a fragment must not hold: a CSRF token (per session) or the time (the
# response clock): those are drawn outside.
FRAGMENT_TTL = LOOKUP_TTL
ENGINEER_VIEW, PARTNER_VIEW = "engineer", "partner"


def _generation_key(incident_id) -> str:
    return f"incident-fragments:generation:{incident_id}"


def fragment_key(incident, *, with_internal: bool) -> str:
    """What the cached thread, history and files of ``incident`` are stored under, for this reader."""
    return ":".join(
        (
            str(incident.pk),
            incident.updated_at.isoformat(),
            generation(_generation_key(incident.pk), FRAGMENT_TTL),
            ENGINEER_VIEW if with_internal else PARTNER_VIEW,
            get_language() or "",
            timezone.get_current_timezone_name(),
        )
    )


def lazy(function, *args, **kwargs):
    """The list ``function`` returns, read when (and only if) a template first uses it."""
    return SimpleLazyObject(lambda: function(*args, **kwargs))


def forget_fragments(sender, instance, **kwargs) -> None:
    """A message, history event, file or contact changed: the incident's fragments are stale."""
    new_generation(_generation_key(instance.incident_id))


def connect_signals() -> None:
    """Called from IncidentsConfig.ready."""
    for model in (Message, HistoryEvent, Attachment, IncidentContact):
        for signal in (post_save, post_delete):
            signal.connect(
                forget_fragments, sender=model, dispatch_uid=f"detail-fragments-{model.__name__}"
            )
