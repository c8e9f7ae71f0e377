"""A SELECT compiled once and run with each call's values (issue 21).

Django compiles a queryset's SQL in Python on every evaluation: 0.15 ms for a one-table
filter, over 1 ms with joins and annotations. For a read repeated on a hot path in which
only some values change (a user's id, a wizard's name), the queryset is built once with
placeholder values (*sentinels*) and compiled; each call puts its values where the
placeholders stand among the compiled parameters and runs the SQL, so every call still
reads the rows afresh. Rows become instances as Django's ``ModelIterable`` builds them:
the same columns, converters, ``from_db`` and fetch mode, annotations set as attributes,
one ``select_related`` relation set in the relation's cache.

A shape this does not take apart (several or nested relations, a placeholder that does
not appear among the parameters, columns out of order) gives None: the caller then uses
the ORM every time. It reads the compiler's own description of its columns
(``klass_info``, ``select``, ``get_converters``), which is not public API: each user's
tests compare its rows with the ORM's for the same queryset.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections


@dataclass(frozen=True)
class _Columns:
    """Where one model's columns are in a row, and how they become an instance."""

    model: type
    start: int
    end: int
    attnames: tuple[str, ...]
    pk_index: int

    @classmethod
    def of(cls, model, select, positions) -> _Columns | None:
        positions = list(positions)
        if not positions or positions != list(range(positions[0], positions[-1] + 1)):
            return None
        attnames = tuple(select[i][0].target.attname for i in positions)
        if model._meta.pk.attname not in attnames:
            return None
        return cls(
            model, positions[0], positions[-1] + 1, attnames, attnames.index(model._meta.pk.attname)
        )

    def instance(self, db, row, fetch_mode):
        values = row[self.start : self.end]
        if values[self.pk_index] is None:  # an outer join that found nothing
            return None
        return self.model.from_db(db, self.attnames, values, fetch_mode=fetch_mode)


@dataclass(frozen=True)
class CompiledSelect:
    """A queryset's SQL, where each named value goes, and how a row becomes an instance."""

    sql: str
    params: tuple
    # (name, several values?, positions of each placeholder of the name)
    slots: tuple[tuple[str, bool, tuple[tuple[int, ...], ...]], ...]
    converters: tuple  # (column, (converter, ...), expression)
    own: _Columns
    annotations: tuple[tuple[str, int], ...]
    related: tuple[Callable, _Columns] | None  # (the relation's cache setter, its columns)
    fetch_mode: object

    @classmethod
    def build(cls, queryset, **sentinels) -> CompiledSelect | None:
        """``queryset`` (built with the ``sentinels`` as its values) compiled, or None.

        A sentinel is one placeholder value, or a list of them for a list of values (each
        distinct, e.g. the members of an ``__in``); each must appear among the compiled
        parameters, and no two sentinels may be equal to each other or to another parameter.
        """
        compiler = queryset.query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        slots = []
        for name, sentinel in sentinels.items():
            several = isinstance(sentinel, list | tuple)
            groups = []
            for one in sentinel if several else [sentinel]:
                at = tuple(i for i, p in enumerate(params) if type(p) is type(one) and p == one)
                if not at:
                    return None
                groups.append(at)
            slots.append((name, several, tuple(groups)))
        info = compiler.klass_info
        if info is None or compiler.col_count is None:
            return None
        select = compiler.select
        own = _Columns.of(queryset.model, select, info["select_fields"])
        relations = info.get("related_klass_infos") or []
        if own is None or len(relations) > 1:
            return None
        related = None
        if relations:
            relation = relations[0]
            columns = _Columns.of(relation["model"], select, relation["select_fields"])
            if columns is None or relation["reverse"] or relation.get("related_klass_infos"):
                return None
            related = (relation["field"].set_cached_value, columns)
        converters = compiler.get_converters([s[0] for s in select[: compiler.col_count]])
        return cls(
            sql=sql,
            params=tuple(params),
            slots=tuple(slots),
            converters=tuple(
                (pos, tuple(funcs), expr) for pos, (funcs, expr) in converters.items()
            ),
            own=own,
            annotations=tuple(compiler.annotation_col_map.items()),
            related=related,
            fetch_mode=getattr(queryset, "_fetch_mode", None),
        )

    def run(self, db: str, **values) -> list:
        """The rows for ``values`` (one per sentinel name; a list where the sentinel was a
        list, of the same length), read now, as instances."""
        params = list(self.params)
        for name, several, groups in self.slots:
            value = values[name]
            for positions, one in zip(groups, value if several else [value], strict=True):
                for position in positions:
                    params[position] = one
        connection = connections[db]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        instances = []
        for row in rows:
            if self.converters:
                row = list(row)
                for position, functions, expression in self.converters:
                    value = row[position]
                    for converter in functions:
                        value = converter(value, expression, connection)
                    row[position] = value
            instance = self.own.instance(db, row, self.fetch_mode)
            for name, position in self.annotations:
                setattr(instance, name, row[position])
            if self.related is not None:
                set_related, columns = self.related
                set_related(instance, columns.instance(db, row, self.fetch_mode))
            instances.append(instance)
        return instances


_COMPILED: dict = {}


def compiled_once(key, build: Callable[[], CompiledSelect | None]) -> CompiledSelect | None:
    """``build()``'s answer for ``key`` (e.g. the caller, the database and the shape),
    made once per process; a None (a shape not taken apart) is kept too."""
    try:
        return _COMPILED[key]
    except KeyError:
        answer = _COMPILED[key] = build()
        return answer


def forget_compiled() -> None:
    """Every kept compilation dropped (tests that change a query's shape)."""
    _COMPILED.clear()
