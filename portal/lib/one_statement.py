"""Several writes sent as one statement (PostgreSQL): data-modifying ``WITH`` clauses.

Each part adds a named clause with its parameters; a part that needs an answer back
names an expression over its clause (``(SELECT count(*) FROM taken)``). Every
data-modifying clause runs to completion whether the final ``SELECT`` reads it or not,
all of them on the same snapshot, in one round trip; when one fails the whole statement
fails. Used where one request writes several rows that do not read each other
(``incidents.first_rows``, ``contracts.consumption``).
"""

from __future__ import annotations

from django.db import connections


class OneStatement:
    def __init__(self, using: str):
        self.using = using
        self._clauses: list[str] = []
        self._params: list = []
        self._selects: dict[str, str] = {}
        self.answers: dict | None = None  # set by run()

    def add(self, name: str, sql: str, params=()) -> None:
        """The clause ``name AS (sql)``; its placeholders take ``params``, in order."""
        if any(clause.startswith(f"{name} AS (") for clause in self._clauses):
            raise ValueError(f"two clauses named {name!r}")
        self._clauses.append(f"{name} AS ({sql})")
        self._params.extend(params)

    def answer(self, key: str, expression: str) -> None:
        """``run()``'s answer ``key``: a scalar expression (no parameters) over the clauses."""
        self._selects[key] = expression

    def sql(self) -> tuple[str, list]:
        select = ", ".join(self._selects.values()) or "1"
        return f"WITH {', '.join(self._clauses)} SELECT {select}", list(self._params)

    def run(self) -> dict:
        """Runs the statement once; its answers by key (also kept as ``answers``)."""
        if self.answers is not None:
            raise RuntimeError("this statement has already run")
        sql, params = self.sql()
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        self.answers = dict(zip(self._selects, row, strict=False))
        return self.answers
