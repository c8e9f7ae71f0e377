"""The Azure holdings answered from the lists the final submit reads (issue 21) agree with
the one-query answer of every other step, whatever the user holds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from contracts.models import Contract, ContractKind, Platform
from incidents.azure import azure_holdings, azure_holdings_from, usable_subscriptions
from partners.models import AzureSubscription, SubscriptionRole
from tests.builders import make_contract, make_product, make_user


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
