"""A new incident's contacts and its "created" history row in one statement (PostgreSQL).

:func:`incidents.services.submit_incident` holds the rule (the primary contact, each
additional colleague once, one "created" event); this is how it is written where the
database can: the contacts' INSERT as a data-modifying ``WITH`` (always run to
completion, whether the outer statement reads it or not) in front of the history row's
INSERT, so one round trip instead of two; the confirmation's outbox row can ride along
(notifications.services.outbox_row). Other databases use separate statements.
"""

from __future__ import annotations

from django.db import connection
from django.db.models.sql import InsertQuery

from drafts.models import Draft

from .models import HistoryEvent, IncidentContact


def _insert(obj) -> tuple[str, list]:
    """The INSERT Django would run for ``obj`` (its field preparation included), as SQL."""
    model = type(obj)
    fields = [f for f in model._meta.local_concrete_fields if not f.primary_key]
    query = InsertQuery(model)
    query.insert_values(fields, [obj])
    sql, params = query.get_compiler(connection=connection).as_sql()[0]
    return sql, list(params)


def contacts_and_history_in_one_statement(
    incident,
    contacts: list[tuple[int, bool]],
    event: dict,
    now,
    email=None,
    *,
    finished_draft_id: int | None = None,
) -> bool:
    """``contacts``: (user id, is primary) pairs; ``event``: the history row's fields;
    ``email``: an unsaved outbox row written by the same statement (its pk is set);
    ``finished_draft_id``: the wizard draft (drafts.Draft) deleted by the same statement.
    False when this database cannot do it in one statement (the caller does it apart)."""
    if connection.vendor != "postgresql":
        return False
    quote = connection.ops.quote_name
    rows = ", ".join(["(%s, %s, %s, %s)"] * len(contacts))
    contacts_sql = (
        f"INSERT INTO {quote(IncidentContact._meta.db_table)}"
        f" (incident_id, user_id, is_primary, added_at) VALUES {rows}"
    )
    history_sql = (
        f"INSERT INTO {quote(HistoryEvent._meta.db_table)}"
        f" (incident_id, actor_id, kind, from_status, to_status, detail, is_internal, created_at)"
        f" VALUES (%s, %s, %s, '', %s, %s, false, %s)"
    )
    contacts_params = [
        v for user_id, primary in contacts for v in (incident.pk, user_id, primary, now)
    ]
    history_params = [incident.pk, event["actor_id"], event["kind"], event["to_status"]]
    history_params += [event["detail"], now]
    clauses, params = [f"contacts AS ({contacts_sql})"], contacts_params
    if finished_draft_id is not None:
        # Nothing points at a draft and nothing listens for its deletion
        # (drafts.models.DraftQuerySet.delete_rows): one more clause, no statement.
        clauses.append(f"draft AS (DELETE FROM {quote(Draft._meta.db_table)} WHERE id = %s)")
        params.append(finished_draft_id)
    if email is None:
        sql = f"WITH {', '.join(clauses)} {history_sql}"
        params += history_params
    else:
        mail_sql, mail_params = _insert(email)
        clauses += [f"history AS ({history_sql})", f"mail AS ({mail_sql} RETURNING id)"]
        sql = f"WITH {', '.join(clauses)} SELECT id FROM mail"
        params += history_params + mail_params
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if email is not None:
            email.pk = cursor.fetchone()[0]
            email._state.adding, email._state.db = False, connection.alias
    return True
