"""Taking a contract unit and writing its ledger row in one statement (PostgreSQL).

:meth:`contracts.models.Contract.consume_unit` holds the rule; this is how it runs
where the database can: the conditional UPDATE (the unit is taken only while one
is left, so two consumers can never take the last unit twice) and the ledger
INSERT of the row it took, as data-modifying ``WITH`` clauses of one statement
(:class:`portal.lib.one_statement.OneStatement`): its own, or the caller's, which then
writes its rows in the same round trip (a new incident's first rows). When the UPDATE
takes nothing, nothing is inserted.
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from portal.lib.one_statement import OneStatement


def consume_in_one_statement(
    contract,
    *,
    partner_id: int | None,
    kind: str,
    incident_number: str,
    actor_id,
    within: OneStatement | None = None,
) -> bool | None:
    """True: taken and recorded; False: no unit left (or not held by ``partner_id``);
    None: this database cannot do it in one statement (the caller does it in two).

    ``within``: the caller's statement, which gets the two clauses and is run here."""
    if connection.vendor != "postgresql":
        if within is not None:
            raise ValueError("one statement is for PostgreSQL only")
        return None
    contracts = connection.ops.quote_name(type(contract)._meta.db_table)
    events = connection.ops.quote_name(contract.events.model._meta.db_table)
    held = "AND partner_id = %s" if partner_id is not None else ""
    statement = within if within is not None else OneStatement(connection.alias)
    statement.add(
        "taken",
        f"UPDATE {contracts} SET units_used = units_used + 1"
        f" WHERE id = %s AND units_used < units_granted {held} RETURNING id",
        [contract.pk, *([partner_id] if partner_id is not None else [])],
    )
    statement.add(
        "ledger",
        f"INSERT INTO {events}"
        f" (contract_id, kind, units_delta, incident_number, note, actor_id, created_at)"
        f" SELECT id, %s, -1, %s, '', %s, %s FROM taken",
        [kind, incident_number, actor_id, timezone.now()],
    )
    statement.answer("units_taken", "(SELECT count(*) FROM taken)")
    return statement.run()["units_taken"] == 1
