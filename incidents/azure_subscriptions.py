"""The user's usable Azure subscriptions read with SQL compiled once per database (issue 21).

The final submit reads :func:`incidents.azure.usable_subscriptions` afresh and decides
on it; through the ORM that cost ≈ 2 ms of Python for one row, 1.3 ms of it compiling the
SQL. Here the same queryset, compiled once with placeholder user and partner ids
(:mod:`portal.lib.compiled`), is run with each call's ids: every call still reads the rows
afresh.

The owning partner is not joined: a usable subscription is owned either by the user's own
partner or by a customer (``administered_by``, ``subscription_has_exactly_one_owner``), so
its ``owner_partner`` is the user's partner, already read with the user
(``partners.backends``), or None. The rows are the ORM's (same columns, converters and
``from_db``; the owner customer and the ``user_role`` annotation set as ``select_related``
and ``annotate`` set them): ``tests/incidents/test_azure_subscriptions.py``.
"""

from __future__ import annotations

from django.db import connections, router

from partners.models import AzureSubscription, User
from portal.lib.compiled import CompiledSelect, compiled_once

# Placeholders the query is compiled with: where they are among the compiled parameters is
# where a call's user and partner ids go.
USER_SENTINEL = -918_273_611
PARTNER_SENTINEL = -918_273_622


def _compile(queryset_for, db) -> CompiledSelect | None:
    placeholder = User(pk=USER_SENTINEL, partner_id=PARTNER_SENTINEL)
    light = queryset_for(placeholder).select_related(None).select_related("owner_customer")
    return CompiledSelect.build(light.using(db), user=USER_SENTINEL, partner=PARTNER_SENTINEL)


def read_usable_subscriptions(user, queryset_for) -> list[AzureSubscription]:
    """``queryset_for(user)`` (:func:`incidents.azure.usable_subscriptions`) as a list,
    read afresh; its SQL compiled once per database, without the owner partner's join.

    The ORM reads it when the user has no partner or the partner was not read with the
    user (nothing to take the owner from), or for a shape this cannot take apart.
    """
    if user.partner_id is None or not User.partner.is_cached(user):
        return list(queryset_for(user))
    db = router.db_for_read(AzureSubscription)
    compiled = compiled_once(
        ("azure.usable_subscriptions", db, connections[db].vendor),
        lambda: _compile(queryset_for, db),
    )
    if compiled is None:
        return list(queryset_for(user))
    subscriptions = compiled.run(db, user=user.pk, partner=user.partner_id)
    # The owner partner, as select_related("owner_partner") would have set it.
    partner, set_partner = user.partner, AzureSubscription.owner_partner.field.set_cached_value
    for subscription in subscriptions:
        if subscription.owner_partner_id is None:
            set_partner(subscription, None)
        elif subscription.owner_partner_id == partner.pk:
            set_partner(subscription, partner)
    return subscriptions
