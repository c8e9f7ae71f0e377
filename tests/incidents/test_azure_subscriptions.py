"""The usable subscriptions read with SQL compiled once (incidents.azure_subscriptions,
issue 21) are the ORM's rows, read afresh on every call, for the user's partner only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents import azure_subscriptions
from incidents.azure import read_usable_subscriptions, usable_subscriptions
from partners.models import AzureSubscription, Customer, SubscriptionRole, User
from portal.lib.compiled import forget_compiled
from tests.builders import make_partner, make_user


@pytest.fixture
def holdings(partner_user):
    """An own subscription (service admin), a customer's (co-admin), a customer's where the
    user is service admin (not usable), an inactive one, and another partner's."""
    partner = partner_user.partner
    customer = Customer.objects.create(name="Woodgrove", tenant_domain="woodgrove.example")
    other = make_partner("Fabrikam")

    def subscription(name, role, **owner):
        s = AzureSubscription.objects.create(name=name, **owner)
        if role:
            SubscriptionRole.objects.create(subscription=s, user=partner_user, role=role)
        return s

    return {
        "own": subscription("A own", "service_admin", owner_partner=partner),
        "customers": subscription("B customer", "co_admin", owner_customer=customer),
        "customer admin": subscription("C admin", "service_admin", owner_customer=customer),
        "inactive": subscription("D off", "co_admin", owner_partner=partner, is_active=False),
        "others": subscription("E other", "service_admin", owner_partner=other),
        "no role": subscription("F none", None, owner_partner=partner),
    }


def fresh_user(user) -> User:
    # As the request reads it (partners.backends): with the partner.
    return User.objects.select_related("partner").get(pk=user.pk)


def fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_the_rows_are_the_orms(partner_user, holdings):
    user = fresh_user(partner_user)
    orm = list(usable_subscriptions(user))
    compiled = read_usable_subscriptions(user)

    assert [s.name for s in compiled] == ["A own", "B customer"]
    assert [s.pk for s in compiled] == [s.pk for s in orm]
    for mine, theirs in zip(compiled, orm, strict=True):
        assert fields(mine) == fields(theirs)
        assert mine.user_role == theirs.user_role
        assert (mine._state.db, mine._state.adding) == (theirs._state.db, theirs._state.adding)
        assert mine._state.fetch_mode is theirs._state.fetch_mode
        for relation in ("owner_customer", "owner_partner"):
            assert AzureSubscription._meta.get_field(relation).is_cached(mine)
            mine_owner, their_owner = getattr(mine, relation), getattr(theirs, relation)
            assert (mine_owner is None) == (their_owner is None)
            if mine_owner is not None:
                assert fields(mine_owner) == fields(their_owner)
                assert mine_owner._state.db == their_owner._state.db
    assert [s.user_role for s in compiled] == ["service_admin", "co_admin"]
    assert compiled[0].owner_partner is user.partner  # read with the user: not joined again
    assert compiled[1].owner_customer.name == "Woodgrove"


def test_one_query_without_the_partners_join_or_distinct(partner_user, holdings):
    user = fresh_user(partner_user)
    read_usable_subscriptions(user)  # compiles
    with CaptureQueriesContext(connection) as queries:
        listed = read_usable_subscriptions(user)
        labels = [(s.owner_customer or s.owner_partner).name for s in listed]
    assert len(queries) == 1
    sql = queries[0]["sql"].upper()
    assert "PARTNERS_PARTNER" not in sql and "DISTINCT" not in sql
    assert labels == [user.partner.name, "Woodgrove"]


def test_every_call_reads_afresh(partner_user, holdings):
    user = fresh_user(partner_user)
    assert [s.name for s in read_usable_subscriptions(user)] == ["A own", "B customer"]
    AzureSubscription.objects.filter(pk=holdings["own"].pk).update(is_active=False)
    SubscriptionRole.objects.filter(subscription=holdings["customer admin"]).update(role="co_admin")
    SubscriptionRole.objects.filter(subscription=holdings["customers"]).update(role="service_admin")
    assert [(s.name, s.user_role) for s in read_usable_subscriptions(user)] == [
        ("C admin", "co_admin")
    ]


def test_each_user_gets_their_own_list(partner_user, holdings):
    read_usable_subscriptions(fresh_user(partner_user))  # compiled with the first user
    colleague = make_user(partner_user.partner)
    SubscriptionRole.objects.create(subscription=holdings["own"], user=colleague, role="co_admin")
    outsider = make_user(holdings["others"].owner_partner)
    SubscriptionRole.objects.create(
        subscription=holdings["own"], user=outsider, role="service_admin"
    )

    assert [(s.name, s.user_role) for s in read_usable_subscriptions(fresh_user(colleague))] == [
        ("A own", "co_admin")
    ]
    # A role on another partner's subscription is not enough.
    assert read_usable_subscriptions(fresh_user(outsider)) == []


def test_without_the_partner_read_the_orm_reads_it(partner_user, holdings):
    user = User.objects.get(pk=partner_user.pk)  # partner not read with the user
    with CaptureQueriesContext(connection) as queries:
        listed = read_usable_subscriptions(user)
        names = [s.owner_partner.name for s in listed if s.owner_partner]
    assert len(queries) == 1  # the ORM's query, joining the owners
    assert [s.name for s in listed] == ["A own", "B customer"]
    assert names == [partner_user.partner.name]


def test_a_shape_it_cannot_take_apart_falls_back_to_the_orm(partner_user, holdings, monkeypatch):
    forget_compiled()
    monkeypatch.setattr(azure_subscriptions, "_compile", lambda queryset_for, db: None)
    user = fresh_user(partner_user)
    with CaptureQueriesContext(connection) as queries:
        listed = read_usable_subscriptions(user)
    assert [s.name for s in listed] == ["A own", "B customer"]
    assert "partners_partner" in queries[0]["sql"]  # the ORM's query, joining the owners
    forget_compiled()


def test_administered_by_lists_each_subscription_once_without_distinct(partner_user, holdings):
    colleague = make_user(partner_user.partner)
    SubscriptionRole.objects.create(subscription=holdings["own"], user=colleague, role="co_admin")
    SubscriptionRole.objects.create(
        subscription=holdings["customers"], user=colleague, role="co_admin"
    )
    administered = AzureSubscription.objects.administered_by(partner_user)
    assert "DISTINCT" not in str(administered.query).upper()
    assert sorted(s.name for s in administered) == ["A own", "B customer", "D off"]
