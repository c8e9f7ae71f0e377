"""Contract.options_for's query compiled once per database and shape (issue 21).

The SQL of ``Contract._registered_query`` is compiled with placeholder parameters; each
call puts its user and kinds in their places and runs it, so every call still reads
afresh. Rows become contracts (with their location) as the ORM would build them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections, router

from partners.models import Location

# Placeholders the query is compiled with: their positions among the compiled
# parameters are where a call's user and kinds go.
USER_SENTINEL = -918_273_645
COMPILED_OPTIONS: dict = {}


def _contiguous(positions) -> bool:
    return bool(positions) and list(positions) == list(range(positions[0], positions[-1] + 1))


def kind_sentinels(count: int) -> list[str] | None:
    return [f"\x00kind-{i}" for i in range(count)] or None


@dataclass(frozen=True)
class CompiledContractQuery:
    """The SQL of :meth:`Contract._registered_query` with where its user's and kinds'
    parameters go, and how a row becomes a contract with its location, as Django's
    ``ModelIterable`` and ``select_related`` would build it (same columns, converters,
    ``from_db``). Only the compilation is kept: each call runs the query."""

    model: type
    sql: str
    params: tuple
    user_positions: tuple[int, ...]
    kind_positions: tuple[int, ...]
    converters: tuple  # (column, (converter, ...), expression)
    contract_slice: tuple[int, int]
    contract_attnames: tuple[str, ...]
    annotations: tuple[tuple[str, int], ...]
    location_slice: tuple[int, int]
    location_attnames: tuple[str, ...]
    location_pk_index: int

    @classmethod
    def build(cls, queryset, kind_count: int) -> CompiledContractQuery | None:
        compiler = queryset.query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        user_positions = tuple(i for i, p in enumerate(params) if p == USER_SENTINEL)
        kind_positions = tuple(
            i for i, p in enumerate(params) if isinstance(p, str) and p.startswith("\x00kind-")
        )
        info = compiler.klass_info
        related = info.get("related_klass_infos") or []
        if (
            len(user_positions) != 1
            or len(kind_positions) != kind_count
            or len(related) != 1
            or compiler.col_count is None
        ):
            return None
        select = compiler.select
        contract_fields = info["select_fields"]
        location_info = related[0]
        location_fields = location_info["select_fields"]
        if location_info["model"] is not Location or location_info["field"].name != "location":
            return None
        if not (_contiguous(contract_fields) and _contiguous(location_fields)):
            return None
        converters = compiler.get_converters([s[0] for s in select[: compiler.col_count]])
        location_attnames = tuple(select[i][0].target.attname for i in location_fields)
        return cls(
            model=queryset.model,
            sql=sql,
            params=tuple(params),
            user_positions=user_positions,
            kind_positions=kind_positions,
            converters=tuple(
                (pos, tuple(convs), expr) for pos, (convs, expr) in converters.items()
            ),
            contract_slice=(contract_fields[0], contract_fields[-1] + 1),
            contract_attnames=tuple(select[i][0].target.attname for i in contract_fields),
            annotations=tuple(compiler.annotation_col_map.items()),
            location_slice=(location_fields[0], location_fields[-1] + 1),
            location_attnames=location_attnames,
            location_pk_index=location_attnames.index(Location._meta.pk.attname),
        )

    def run(self, db: str, user_pk, kinds: list) -> list:
        params = list(self.params)
        for position in self.user_positions:
            params[position] = user_pk
        for position, kind in zip(self.kind_positions, kinds, strict=True):
            params[position] = kind
        connection = connections[db]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        contracts = []
        set_location = self.model.location.field.set_cached_value
        c_start, c_end = self.contract_slice
        l_start, l_end = self.location_slice
        for row in rows:
            if self.converters:
                row = list(row)
                for position, convs, expression in self.converters:
                    value = row[position]
                    for converter in convs:
                        value = converter(value, expression, connection)
                    row[position] = value
            contract = self.model.from_db(db, self.contract_attnames, row[c_start:c_end])
            for name, position in self.annotations:
                setattr(contract, name, row[position])
            values = row[l_start:l_end]
            location = (
                None
                if values[self.location_pk_index] is None
                else Location.from_db(db, self.location_attnames, values)
            )
            set_location(contract, location)
            contracts.append(contract)
        return contracts


def registered_with_covered_ids(model, user, kinds=None) -> list:
    """``model._registered_query(user, kinds)`` read afresh, its SQL compiled once per
    database and shape (the ORM every time for a shape it cannot take apart)."""
    prepare = model._meta.get_field("kind").get_prep_value  # as the ORM's lookup does
    kinds = [prepare(kind) for kind in kinds or ()]
    db = router.db_for_read(model)
    key = (model, db, connections[db].vendor, len(kinds))
    compiled = COMPILED_OPTIONS.get(key)
    if compiled is None:
        compiled = CompiledContractQuery.build(
            model._registered_query(USER_SENTINEL, kind_sentinels(len(kinds))).using(db),
            len(kinds),
        )
        if compiled is None:
            return list(model._registered_query(user, kinds).using(db))
        COMPILED_OPTIONS[key] = compiled
    return compiled.run(db, user.pk, kinds)
