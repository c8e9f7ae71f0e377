"""A new incident's contacts and its "created" history row in one statement (PostgreSQL).

:func:`incidents.services.submit_incident` holds the rule (the primary contact, each
additional colleague once, one "created" event); this is how it is written where the
database can: the contacts' INSERT as a data-modifying ``WITH`` (always run to
completion, whether the outer statement reads it or not) in front of the history row's
INSERT, so one round trip instead of two. Other databases use the two statements.
"""

from __future__ import annotations

from django.db import connection

from .models import HistoryEvent, IncidentContact


def contacts_and_history_in_one_statement(
    incident, contacts: list[tuple[int, bool]], event: dict, now
) -> bool:
    """``contacts``: (user id, is primary) pairs; ``event``: the history row's fields.
    False when this database cannot do it in one statement (the caller does it in two)."""
    if connection.vendor != "postgresql":
        return False
    quote = connection.ops.quote_name
    rows = ", ".join(["(%s, %s, %s, %s)"] * len(contacts))
    sql = (
        f"WITH contacts AS (INSERT INTO {quote(IncidentContact._meta.db_table)}"
        f" (incident_id, user_id, is_primary, added_at) VALUES {rows})"
        f" INSERT INTO {quote(HistoryEvent._meta.db_table)}"
        f" (incident_id, actor_id, kind, from_status, to_status, detail, is_internal, created_at)"
        f" VALUES (%s, %s, %s, '', %s, %s, false, %s)"
    )
    params = [
        value for user_id, primary in contacts for value in (incident.pk, user_id, primary, now)
    ]
    params += [
        incident.pk,
        event["actor_id"],
        event["kind"],
        event["to_status"],
        event["detail"],
        now,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    return True
