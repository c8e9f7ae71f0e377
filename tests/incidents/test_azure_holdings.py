"""The Azure holdings answered from the lists the final submit reads (issue 21) agree with
the one-query answer of every other step, whatever the user holds."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from contracts.models import Contract, ContractKind, ContractRegistration, Platform
from incidents.azure import (
    AZURE_CACHE_TTL,
    azure_holdings,
    azure_holdings_from,
    cached_azure_holdings,
    cached_usable_subscriptions,
    usable_subscriptions,
)
from partners.models import AzureSubscription, SubscriptionRole, User
from tests.builders import make_contract, make_partner, make_product, make_user


def from_lists(user):
    usable, unavailable = Contract.options_for(
        user, make_product("Microsoft Azure", Platform.AZURE)
    )
    contracts = [option.contract for option in [*usable, *unavailable]]
    return azure_holdings_from(contracts, list(usable_subscriptions(user)))


def subscribe(user, *, active=True, role="service_admin"):
    subscription = AzureSubscription.objects.create(
        name="Prod", owner_partner=user.partner, is_active=active
    )
    SubscriptionRole.objects.create(subscription=subscription, user=user, role=role)


@pytest.mark.parametrize(
    "setup, expected",
    [
        ("nothing", (False, False)),
        ("signature cloud", (True, False)),
        ("signature cloud expired", (True, False)),
        ("signature cloud not activated", (True, False)),
        ("other kind only", (False, False)),
        ("colleague's contract", (False, False)),
        ("subscription", (False, True)),
        ("inactive subscription", (False, False)),
        ("both", (True, True)),
    ],
)
def test_both_answers_agree(partner_user, setup, expected):
    partner = partner_user.partner
    today = timezone.localdate()
    if setup.startswith("signature cloud") or setup == "both":
        make_contract(
            partner,
            register_to=partner_user,
            activated=setup != "signature cloud not activated",
            ends_on=today - dt.timedelta(days=1) if setup.endswith("expired") else None,
        )
    if setup == "other kind only":
        make_contract(partner, kind=ContractKind.PRODUCT_SUPPORT, register_to=partner_user)
    if setup == "colleague's contract":
        make_contract(partner, register_to=make_user(partner))
    if setup in ("subscription", "both"):
        subscribe(partner_user)
    if setup == "inactive subscription":
        subscribe(partner_user, active=False)

    assert azure_holdings(partner_user) == expected
    assert from_lists(partner_user) == expected


# --- the cached answers shown before the submit (issue 21) ------------------------------


def test_the_cached_answers_are_read_once(partner_user, django_assert_num_queries):
    subscribe(partner_user)
    cached_azure_holdings(partner_user)
    cached_usable_subscriptions(partner_user)
    with django_assert_num_queries(0):
        assert cached_azure_holdings(partner_user) == (False, True)
        assert [s.name for s in cached_usable_subscriptions(partner_user)] == ["Prod"]


def test_a_new_role_or_subscription_shows_at_once(partner_user):
    assert cached_azure_holdings(partner_user) == (False, False)
    assert cached_usable_subscriptions(partner_user) == []
    subscribe(partner_user)
    assert cached_azure_holdings(partner_user) == (False, True)
    assert [s.name for s in cached_usable_subscriptions(partner_user)] == ["Prod"]


def test_a_removed_role_or_deactivated_subscription_shows_at_once(partner_user):
    subscribe(partner_user)
    subscription = AzureSubscription.objects.get()
    assert cached_azure_holdings(partner_user) == (False, True)
    subscription.is_active = False
    subscription.save()
    assert cached_azure_holdings(partner_user) == (False, False)
    assert cached_usable_subscriptions(partner_user) == []
    subscription.is_active = True
    subscription.save()
    assert cached_azure_holdings(partner_user) == (False, True)
    SubscriptionRole.objects.get().delete()
    assert cached_azure_holdings(partner_user) == (False, False)
    assert cached_usable_subscriptions(partner_user) == []


def test_a_registered_or_changed_contract_shows_at_once(partner_user):
    assert cached_azure_holdings(partner_user) == (False, False)
    contract = make_contract(partner_user.partner, kind=ContractKind.PRODUCT_SUPPORT)
    assert cached_azure_holdings(partner_user) == (False, False)
    ContractRegistration.objects.create(contract=contract, user=partner_user)
    assert cached_azure_holdings(partner_user) == (False, False)
    contract.kind = ContractKind.SIGNATURE_CLOUD
    contract.save()
    assert cached_azure_holdings(partner_user) == (True, False)
    ContractRegistration.objects.get().delete()
    assert cached_azure_holdings(partner_user) == (False, False)


def test_a_renamed_owner_shows_at_once(partner_user):
    subscribe(partner_user)
    assert [s.owner_partner.name for s in cached_usable_subscriptions(partner_user)] == [
        partner_user.partner.name
    ]
    partner = partner_user.partner
    partner.name = "Contoso Renamed"
    partner.save()
    assert [s.owner_partner.name for s in cached_usable_subscriptions(partner_user)] == [
        "Contoso Renamed"
    ]


def test_a_user_moved_to_another_partner_is_answered_for_that_partner(partner_user):
    subscribe(partner_user)
    assert cached_azure_holdings(partner_user) == (False, True)
    # Saved without signals on the subscription models: the key follows the partner.
    User.objects.filter(pk=partner_user.pk).update(partner=make_partner("Fabrikam"))
    moved = User.objects.get(pk=partner_user.pk)
    assert cached_azure_holdings(moved) == (False, False)
    assert cached_usable_subscriptions(moved) == []


def test_an_evicted_generation_never_brings_back_older_entries(partner_user):
    from django.core.cache import cache

    from incidents.azure import GENERATION_KEY

    subscribe(partner_user)
    cache.clear()  # the first generation of this process
    assert cached_azure_holdings(partner_user) == (False, True)
    # Changed without signals (another process, a bulk update), then the generation key is
    # evicted from a full cache: the entry stored before must not be read again.
    AzureSubscription.objects.update(is_active=False)
    cache.delete(GENERATION_KEY)
    assert cached_azure_holdings(partner_user) == (False, False)


def test_the_cached_answers_expire_for_other_processes(partner_user):
    # A change made by another process reaches this one's cache only through the TTL.
    assert 0 < AZURE_CACHE_TTL <= 60
    with mock.patch("portal.lib.caching.cache.set") as stored:
        cached_azure_holdings(partner_user)
    assert stored.call_args.args[2] == AZURE_CACHE_TTL


def test_each_subscription_is_listed_once_with_the_users_own_role(partner_user):
    from partners.models import Customer

    colleague = make_user(partner_user.partner)
    own = AzureSubscription.objects.create(name="A own", owner_partner=partner_user.partner)
    customer = Customer.objects.create(name="Woodgrove", tenant_domain="woodgrove.example")
    customers = AzureSubscription.objects.create(name="B customer", owner_customer=customer)
    SubscriptionRole.objects.create(subscription=own, user=partner_user, role="service_admin")
    SubscriptionRole.objects.create(subscription=own, user=colleague, role="co_admin")
    SubscriptionRole.objects.create(subscription=customers, user=partner_user, role="co_admin")
    SubscriptionRole.objects.create(subscription=customers, user=colleague, role="service_admin")

    mine = [(s.name, s.user_role) for s in usable_subscriptions(partner_user)]
    theirs = [(s.name, s.user_role) for s in usable_subscriptions(colleague)]

    assert mine == [("A own", "service_admin"), ("B customer", "co_admin")]
    # A customer's subscription only as co-administrator (SPEC §4.2).
    assert theirs == [("A own", "co_admin")]
