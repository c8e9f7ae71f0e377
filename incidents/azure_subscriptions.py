"""The user's usable Azure subscriptions read with SQL compiled once per database (issue 21).

The final submit reads :func:`incidents.azure.usable_subscriptions` afresh and decides
on it; through the ORM that cost ≈ 2 ms of Python for one row, 1.3 ms of it compiling the
SQL. Here the same queryset, compiled once with placeholder user and partner ids, is run
with each call's ids: every call still reads the rows afresh.

The owning partner is not joined: a usable subscription is owned either by the user's own
partner or by a customer (``administered_by``, ``subscription_has_exactly_one_owner``), so
its ``owner_partner`` is the user's partner, already read with the user
(``partners.backends``), or None. The rows are the ORM's (same columns, converters and
``from_db``; the owner customer and the ``user_role`` annotation set as ``select_related``
and ``annotate`` set them): ``tests/incidents/test_azure_subscriptions.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections, router

from partners.models import AzureSubscription, Customer, User

# Placeholders the query is compiled with: where they are among the compiled parameters is
# where a call's user and partner ids go.
USER_SENTINEL = -918_273_611
PARTNER_SENTINEL = -918_273_622
COMPILED: dict = {}


@dataclass(frozen=True)
class CompiledSubscriptions:
    """The SQL of the light query, where its ids go and how a row becomes a subscription."""

    sql: str
    params: tuple
    user_positions: tuple[int, ...]
    partner_positions: tuple[int, ...]
    converters: tuple  # (column, (converter, ...), expression)
    own_slice: tuple[int, int]
    own_attnames: tuple[str, ...]
    annotations: tuple[tuple[str, int], ...]
    customer_slice: tuple[int, int]
    customer_attnames: tuple[str, ...]
    customer_pk_index: int
    fetch_mode: object  # the queryset's, given to each instance as the ORM gives it

    @classmethod
    def build(cls, queryset) -> CompiledSubscriptions | None:
        compiler = queryset.query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        user_positions = tuple(i for i, p in enumerate(params) if p == USER_SENTINEL)
        partner_positions = tuple(i for i, p in enumerate(params) if p == PARTNER_SENTINEL)
        info = compiler.klass_info
        related = info.get("related_klass_infos") or []
        if (
            not user_positions
            or not partner_positions
            or len(related) != 1
            or related[0]["model"] is not Customer
            or related[0]["field"].name != "owner_customer"
            or compiler.col_count is None
        ):
            return None
        own, customer = info["select_fields"], related[0]["select_fields"]
        if not (_contiguous(own) and _contiguous(customer)):
            return None
        select = compiler.select
        converters = compiler.get_converters([s[0] for s in select[: compiler.col_count]])
        customer_attnames = tuple(select[i][0].target.attname for i in customer)
        return cls(
            sql=sql,
            params=tuple(params),
            user_positions=user_positions,
            partner_positions=partner_positions,
            converters=tuple(
                (pos, tuple(convs), expr) for pos, (convs, expr) in converters.items()
            ),
            own_slice=(own[0], own[-1] + 1),
            own_attnames=tuple(select[i][0].target.attname for i in own),
            annotations=tuple(compiler.annotation_col_map.items()),
            customer_slice=(customer[0], customer[-1] + 1),
            customer_attnames=customer_attnames,
            customer_pk_index=customer_attnames.index(Customer._meta.pk.attname),
            fetch_mode=queryset._fetch_mode,
        )

    def run(self, db: str, user) -> list[AzureSubscription]:
        params = list(self.params)
        for position in self.user_positions:
            params[position] = user.pk
        for position in self.partner_positions:
            params[position] = user.partner_id
        connection = connections[db]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        partner = user.partner
        set_customer = AzureSubscription.owner_customer.field.set_cached_value
        set_partner = AzureSubscription.owner_partner.field.set_cached_value
        fetch_mode = self.fetch_mode
        s_start, s_end = self.own_slice
        c_start, c_end = self.customer_slice
        subscriptions = []
        for row in rows:
            if self.converters:
                row = list(row)
                for position, convs, expression in self.converters:
                    value = row[position]
                    for converter in convs:
                        value = converter(value, expression, connection)
                    row[position] = value
            subscription = AzureSubscription.from_db(
                db, self.own_attnames, row[s_start:s_end], fetch_mode=fetch_mode
            )
            for name, position in self.annotations:
                setattr(subscription, name, row[position])
            values = row[c_start:c_end]
            customer = (
                None
                if values[self.customer_pk_index] is None
                else Customer.from_db(db, self.customer_attnames, values, fetch_mode=fetch_mode)
            )
            set_customer(subscription, customer)
            if subscription.owner_partner_id is None:
                set_partner(subscription, None)
            elif subscription.owner_partner_id == partner.pk:
                set_partner(subscription, partner)
            subscriptions.append(subscription)
        return subscriptions


def _contiguous(positions) -> bool:
    return bool(positions) and list(positions) == list(range(positions[0], positions[-1] + 1))


def read_usable_subscriptions(user, queryset_for) -> list[AzureSubscription]:
    """``queryset_for(user)`` (:func:`incidents.azure.usable_subscriptions`) as a list,
    read afresh; its SQL compiled once per database, without the owner partner's join.

    The ORM reads it when the user has no partner or the partner was not read with the
    user (nothing to take the owner from), or for a shape this cannot take apart.
    """
    if user.partner_id is None or not User.partner.is_cached(user):
        return list(queryset_for(user))
    db = router.db_for_read(AzureSubscription)
    key = (db, connections[db].vendor)
    compiled = COMPILED.get(key)
    if compiled is None:
        placeholder = User(pk=USER_SENTINEL, partner_id=PARTNER_SENTINEL)
        light = queryset_for(placeholder).select_related(None).select_related("owner_customer")
        compiled = CompiledSubscriptions.build(light.using(db))
        if compiled is None:
            return list(queryset_for(user))
        COMPILED[key] = compiled
    return compiled.run(db, user)
