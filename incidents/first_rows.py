"""A new incident's first rows: its own INSERT compiled once, and its contacts and its
"created" history row in one statement (PostgreSQL), which a contract unit may join.

:func:`incidents.services.submit_incident` holds the rule (the primary contact, each
additional colleague once, one "created" event, the confirmation e-mail, the unit taken);
this is how it is written where the database can: the contacts, the history row, the
confirmation's outbox row, the finished draft's deletion and the contract unit (its
UPDATE and ledger row, ``contracts.consumption``) as data-modifying ``WITH`` clauses of
one statement (:class:`portal.lib.one_statement.OneStatement`), one round trip for all
of them. Other databases use separate statements.
"""

from __future__ import annotations

from django.db import connection, connections, router
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery

from drafts.models import Draft
from portal.lib.one_statement import OneStatement

from .models import HistoryEvent, Incident, IncidentContact

# (database, expression fields' shape) -> the compiled INSERT, or False (the ORM's save).
_COMPILED_INSERT: dict = {}


def insert_incident(incident: Incident) -> None:
    """``incident.save(force_insert=True)``, the same statement with the same signals,
    its SQL compiled once per database and shape (≈ 0.6 ms of Python per submit
    otherwise: some 30 columns). Each value is prepared as the insert compiler prepares
    it (``pre_save``, ``get_db_prep_save``); a field given as ``RawSQL`` (the key and
    number computed in the INSERT, ``services._key_and_number_in_insert``) keeps its SQL
    and passes its own parameters; the fields it computes come back with ``RETURNING``
    and their converters, as ``Model.save`` sets them."""
    db = router.db_for_write(Incident, instance=incident)
    meta = Incident._meta
    # As Model._save_table: the key's column only when a key (or its SQL) is given.
    pk_set = incident._is_pk_set(meta)
    fields = [
        f
        for f in meta.local_concrete_fields
        if not f.generated and (pk_set or f is not meta.auto_field)
    ]
    # Which fields the caller gave as SQL (pre_save hands those back as they are).
    shape = tuple(
        (v.sql if isinstance(v, RawSQL) else type(v).__name__, len(getattr(v, "params", ())))
        if hasattr(v := getattr(incident, f.attname), "resolve_expression")
        else None
        for f in fields
    )
    key = (db, pk_set, shape)
    compiled = _COMPILED_INSERT.get(key)
    if compiled is None:
        compiled = _COMPILED_INSERT[key] = _compile_insert(db, incident, fields)
    if compiled is False:  # a shape it cannot take apart: the ORM, every time
        incident.save(force_insert=True, using=db)
        return
    conn = connections[db]
    # What Model.save does before its INSERT, in its order.
    incident._prepare_related_fields_for_save(operation_name="save")
    pre_save.send(sender=Incident, instance=incident, raw=False, using=db, update_fields=None)
    values = [f.pre_save(incident, True) for f in fields]
    sql, returning_fields, returning_params, converters = compiled
    params = _insert_params(fields, values, conn)
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        row = list(conn.ops.fetch_returned_rows(cursor, returning_params)[0])
    for position, (functions, expression) in converters.items():
        for converter in functions:
            row[position] = converter(row[position], expression, conn)
    for value, field in zip(row, returning_fields, strict=True):
        setattr(incident, field.attname, value)
    incident._state.db, incident._state.adding = db, False
    post_save.send(
        sender=Incident, instance=incident, created=True, update_fields=None, raw=False, using=db
    )


def _insert_params(fields, values, conn) -> list:
    params = []
    for field, value in zip(fields, values, strict=True):
        if hasattr(value, "resolve_expression"):
            params.extend(value.params)
        else:
            params.append(field.get_db_prep_save(value, conn))
    return params


def _compile_insert(db, incident, fields):
    """(SQL, returning fields, returning params, converters) of the INSERT ``Model.save``
    runs for ``incident``; False when the statement is not one whose parameters are the
    prepared values in field order (then the ORM runs it every time)."""
    conn = connections[db]
    values = [f.pre_save(incident, True) for f in fields]
    if (
        Incident._meta.parents
        or not conn.features.can_return_columns_from_insert
        or any(hasattr(v, "resolve_expression") and not isinstance(v, RawSQL) for v in values)
        or any(getattr(f, "get_placeholder_sql", None) for f in fields)
    ):
        return False
    returning_fields = list(Incident._meta.db_returning_fields)
    returning_fields += [
        f
        for f, v in zip(fields, values, strict=True)
        if hasattr(v, "resolve_expression") and f not in returning_fields
    ]
    query = InsertQuery(Incident)
    query.insert_values(fields, [incident])
    compiler = query.get_compiler(using=db)
    compiler.returning_fields = returning_fields
    statements = compiler.as_sql()
    if len(statements) != 1:
        return False
    sql, params = statements[0]
    expected = _insert_params(fields, values, conn)
    # One placeholder per value in field order; the SQL fields' own parameters where
    # they are (a value's prepared form may not compare equal: JSON, a later auto_now).
    if sql.count("%s") != len(expected) or len(params) != len(expected):
        return False
    position = 0
    for value in values:
        if hasattr(value, "resolve_expression"):
            if list(params[position : position + len(value.params)]) != list(value.params):
                return False
            position += len(value.params)
        else:
            position += 1
    cols = [f.get_col(Incident._meta.db_table) for f in returning_fields]
    converters = compiler.get_converters(cols)
    return sql, returning_fields, compiler.returning_params, converters


# (model, database) -> the SQL of a row's INSERT with one placeholder per field, or False.
_COMPILED_ROW_SQL: dict = {}


def _insert(obj) -> tuple[str, list]:
    """The INSERT Django would run for ``obj`` (its field preparation included), as SQL:
    compiled once per model and database, each value prepared as the insert compiler
    prepares it (``pre_save``, ``get_db_prep_save``); compiled afresh for a value given
    as SQL or a shape with other placeholders."""
    model = type(obj)
    fields = [f for f in model._meta.local_concrete_fields if not f.primary_key]
    key = (model, connection.alias)
    sql = _COMPILED_ROW_SQL.get(key)
    if sql is None:
        sql = _row_sql(obj, fields)
        if sql is not None:
            _COMPILED_ROW_SQL[key] = sql
    values = [f.pre_save(obj, True) for f in fields]
    if not sql or any(hasattr(v, "resolve_expression") for v in values):
        return _compiled_row(obj, fields)
    return sql, [f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)]


def _compiled_row(obj, fields) -> tuple[str, list]:
    query = InsertQuery(type(obj))
    query.insert_values(fields, [obj])
    sql, params = query.get_compiler(connection=connection).as_sql()[0]
    return sql, list(params)


def _row_sql(obj, fields):
    if any(getattr(f, "get_placeholder_sql", None) for f in fields):
        return False
    if any(hasattr(getattr(obj, f.attname), "resolve_expression") for f in fields):
        return None  # not now: compiled from a row of plain values
    sql, params = _compiled_row(obj, fields)
    if sql.count("%s") != len(fields) or len(params) != len(fields):
        return False
    return sql


def first_rows_statement(
    incident,
    contacts: list[tuple[int, bool]],
    event: dict,
    now,
    email=None,
    *,
    finished_draft_id: int | None = None,
) -> OneStatement | None:
    """The new incident's other rows as one statement, not run yet: a contract unit
    (``Contract.consume_unit(within=...)``) may join it and run it; otherwise
    :func:`run_first_rows` does.

    ``contacts``: (user id, is primary) pairs; ``event``: the history row's fields;
    ``email``: an unsaved outbox row written by the same statement (its pk is set by
    :func:`run_first_rows`); ``finished_draft_id``: the wizard draft (drafts.Draft)
    deleted by the same statement. None when this database cannot do it in one
    statement (the caller does it apart)."""
    if connection.vendor != "postgresql":
        return None
    quote = connection.ops.quote_name
    rows = ", ".join(["(%s, %s, %s, %s)"] * len(contacts))
    statement = OneStatement(connection.alias)
    statement.add(
        "contacts",
        f"INSERT INTO {quote(IncidentContact._meta.db_table)}"
        f" (incident_id, user_id, is_primary, added_at) VALUES {rows}",
        [v for user_id, primary in contacts for v in (incident.pk, user_id, primary, now)],
    )
    if finished_draft_id is not None:
        # Nothing points at a draft and nothing listens for its deletion
        # (drafts.models.DraftQuerySet.delete_rows): one more clause, no statement.
        statement.add(
            "draft", f"DELETE FROM {quote(Draft._meta.db_table)} WHERE id = %s", [finished_draft_id]
        )
    statement.add(
        "history",
        f"INSERT INTO {quote(HistoryEvent._meta.db_table)}"
        f" (incident_id, actor_id, kind, from_status, to_status, detail, is_internal, created_at)"
        f" VALUES (%s, %s, %s, '', %s, %s, false, %s)",
        [incident.pk, event["actor_id"], event["kind"], event["to_status"], event["detail"], now],
    )
    if email is not None:
        mail_sql, mail_params = _insert(email)
        statement.add("mail", f"{mail_sql} RETURNING id", mail_params)
        statement.answer("mail_id", "(SELECT id FROM mail)")
    return statement


def run_first_rows(statement: OneStatement, email=None) -> None:
    """Runs ``statement`` unless a contract unit already ran it, and gives ``email`` (the
    outbox row it wrote) its primary key."""
    answers = statement.answers if statement.answers is not None else statement.run()
    if email is not None:
        email.pk = answers["mail_id"]
        email._state.adding, email._state.db = False, statement.using
