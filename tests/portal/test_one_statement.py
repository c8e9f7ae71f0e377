"""portal.lib.one_statement: several writes as data-modifying WITH clauses of one statement."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from portal.lib.one_statement import OneStatement
from tests.conftest import is_postgres

pytestmark = pytest.mark.skipif(not is_postgres(), reason="data-modifying WITH: PostgreSQL")


@pytest.fixture
def table(db):
    """A table of the test's own (dropped with the test's transaction)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE one_statement_t (id serial PRIMARY KEY, name text UNIQUE)"
        )
    return "one_statement_t"


def _insert(table: str, name: str) -> tuple[str, list]:
    return f"INSERT INTO {table} (name) VALUES (%s) RETURNING id", [name]


def _names(table: str) -> list[tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, name FROM {table} ORDER BY name")
        return cursor.fetchall()


def test_every_clause_is_written_in_one_round_trip_with_the_answers_asked_for(table):
    statement = OneStatement(connection.alias)
    statement.add("first", *_insert(table, "first"))
    statement.add("second", *_insert(table, "second"))
    statement.answer("first_id", "(SELECT id FROM first)")
    with CaptureQueriesContext(connection) as ctx:
        answers = statement.run()
    assert len(ctx.captured_queries) == 1
    rows = dict((name, pk) for pk, name in _names(table))
    # The second clause is not read by the SELECT and is written all the same.
    assert set(rows) == {"first", "second"}
    assert answers == {"first_id": rows["first"]}
    assert statement.answers == answers


def test_a_failing_clause_writes_nothing(table):
    statement = OneStatement(connection.alias)
    statement.add("first", *_insert(table, "first"))
    statement.add("again", *_insert(table, "kept"))
    statement.add("third", *_insert(table, "kept"))  # the same unique name
    with pytest.raises(DatabaseError), transaction.atomic():
        statement.run()
    assert _names(table) == []


def test_a_clause_name_is_used_once_and_a_statement_runs_once(table):
    statement = OneStatement(connection.alias)
    statement.add("first", *_insert(table, "first"))
    with pytest.raises(ValueError, match="two clauses"):
        statement.add("first", *_insert(table, "again"))
    statement.run()
    with pytest.raises(RuntimeError, match="already run"):
        statement.run()
    assert [name for _pk, name in _names(table)] == ["first"]
