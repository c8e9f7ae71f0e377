"""Contract.options_for's query compiled once per database and shape (issue 21).

The SQL of ``Contract._registered_query`` is compiled with placeholder parameters
(:mod:`portal.lib.compiled`); each call puts its user and kinds in their places and runs
it, so every call still reads afresh. Rows become contracts (with their location and
``covered_product_ids``) as the ORM would build them.
"""

from __future__ import annotations

from django.db import connections, router

from portal.lib.compiled import CompiledSelect, compiled_once

# Placeholders the query is compiled with: their positions among the compiled
# parameters are where a call's user and kinds go.
USER_SENTINEL = -918_273_645


def kind_sentinels(count: int) -> list[str]:
    return [f"\x00kind-{i}" for i in range(count)]


def registered_with_covered_ids(model, user, kinds=None) -> list:
    """``model._registered_query(user, kinds)`` read afresh, its SQL compiled once per
    database and shape (the ORM every time for a shape it cannot take apart)."""
    prepare = model._meta.get_field("kind").get_prep_value  # as the ORM's lookup does
    kinds = [prepare(kind) for kind in kinds or ()]
    db = router.db_for_read(model)
    sentinels = kind_sentinels(len(kinds))
    places = {"kinds": sentinels} if sentinels else {}
    compiled = compiled_once(
        ("contracts.options", model, db, connections[db].vendor, len(kinds)),
        lambda: CompiledSelect.build(
            model._registered_query(USER_SENTINEL, sentinels or None).using(db),
            user=USER_SENTINEL,
            **places,
        ),
    )
    if compiled is None:
        return list(model._registered_query(user, kinds).using(db))
    return compiled.run(db, user=user.pk, **({"kinds": kinds} if kinds else {}))
