"""One method tells every wizard which contracts are usable and why the others are not."""

import datetime as dt

import pytest
from django.utils import timezone

from contracts.models import Contract, ContractKind, Platform, ProductVersion
from portal.lib.i18n import local_date
from tests.builders import make_contract, make_product

TODAY = timezone.localdate()


@pytest.fixture
def products(db):
    azure = make_product("Microsoft Azure", Platform.AZURE)
    office = make_product("Office 365", Platform.OFFICE365)
    sql = make_product("SQL Server", Platform.ON_PREMISES)
    exchange = make_product("Exchange Server", Platform.ON_PREMISES)
    return {"azure": azure, "office": office, "sql": sql, "exchange": exchange}


def reasons(user, product, version=None):
    usable, unavailable = Contract.options_for(user, product, version, on=TODAY)
    return [o.contract for o in usable], {o.contract.pk: o.reason for o in unavailable}


def test_a_usable_contract_is_listed_without_reason(partner_user, products):
    contract = make_contract(partner_user.partner, register_to=partner_user)

    usable, unavailable = reasons(partner_user, products["azure"])

    assert usable == [contract] and unavailable == {}


def test_usable_contracts_come_soonest_ending_first(partner_user, products):
    later = make_contract(
        partner_user.partner, register_to=partner_user, ends_on=TODAY + dt.timedelta(days=200)
    )
    sooner = make_contract(
        partner_user.partner, register_to=partner_user, ends_on=TODAY + dt.timedelta(days=20)
    )

    assert reasons(partner_user, products["azure"])[0] == [sooner, later]


def test_an_expired_contract_says_when_it_expired(partner_user, products):
    ended = TODAY - dt.timedelta(days=1)
    contract = make_contract(partner_user.partner, register_to=partner_user, ends_on=ended)

    _, unavailable = reasons(partner_user, products["azure"])

    assert unavailable[contract.pk] == f"Expired on {local_date(ended)}."


def test_a_contract_without_units_says_so(partner_user, products):
    contract = make_contract(partner_user.partner, register_to=partner_user, units=3, used=3)

    assert reasons(partner_user, products["azure"])[1][contract.pk] == "No incidents remaining."


def test_a_contract_not_activated_says_so(partner_user, products):
    contract = make_contract(partner_user.partner, register_to=partner_user, activated=False)

    assert reasons(partner_user, products["azure"])[1][contract.pk] == "Not activated."


def test_signature_cloud_cannot_pay_for_on_premises_products(partner_user, products):
    contract = make_contract(partner_user.partner, register_to=partner_user)

    reason = reasons(partner_user, products["sql"])[1][contract.pk]

    assert "covers cloud products only" in reason


def test_product_support_incidents_cannot_pay_for_cloud_products(partner_user, products):
    contract = make_contract(
        partner_user.partner, kind=ContractKind.PRODUCT_SUPPORT, register_to=partner_user
    )

    reason = reasons(partner_user, products["office"])[1][contract.pk]

    assert "on-premises products only" in reason


def test_a_product_not_covered_says_so(partner_user, products):
    contract = make_contract(
        partner_user.partner,
        kind=ContractKind.PRODUCT_SUPPORT,
        register_to=partner_user,
        products=[products["exchange"]],
    )

    reason = reasons(partner_user, products["sql"])[1][contract.pk]

    assert "SQL Server is not covered" in reason
    assert reasons(partner_user, products["exchange"])[0] == [contract]


@pytest.mark.parametrize("kind", [ContractKind.PRODUCT_SUPPORT, ContractKind.VISUAL_STUDIO])
def test_partner_network_and_visual_studio_need_a_version_in_mainstream_support(
    partner_user, products, kind
):
    old = ProductVersion.objects.create(
        product=products["sql"], name="2012", mainstream_end_on=TODAY - dt.timedelta(days=1)
    )
    current = ProductVersion.objects.create(product=products["sql"], name="2022")
    contract = make_contract(partner_user.partner, kind=kind, register_to=partner_user)

    assert (
        "no longer in mainstream support"
        in reasons(partner_user, products["sql"], old)[1][contract.pk]
    )
    assert reasons(partner_user, products["sql"], current)[0] == [contract]


def test_premier_may_be_used_for_versions_out_of_mainstream_support(partner_user, products):
    old = ProductVersion.objects.create(
        product=products["sql"], name="2008", mainstream_end_on=dt.date(2014, 7, 8)
    )
    contract = make_contract(
        partner_user.partner, kind=ContractKind.PREMIER, register_to=partner_user
    )

    assert reasons(partner_user, products["sql"], old)[0] == [contract]


def test_advisory_hours_never_pay_for_incidents(partner_user, products):
    contract = make_contract(
        partner_user.partner, kind=ContractKind.ADVISORY, register_to=partner_user
    )

    assert "Advisory hours cannot be used" in reasons(partner_user, products["sql"])[1][contract.pk]


def test_only_contracts_registered_to_the_user_are_offered(partner_user, products, other_user):
    make_contract(partner_user.partner)  # same partner, not registered
    make_contract(other_user.partner, register_to=other_user)

    usable, unavailable = reasons(partner_user, products["azure"])

    assert usable == [] and unavailable == {}


def test_the_options_take_a_constant_number_of_queries(
    partner_user, products, django_assert_num_queries
):
    for _ in range(5):
        make_contract(partner_user.partner, register_to=partner_user, products=[products["azure"]])

    with django_assert_num_queries(1):  # contracts with their covered products aggregated
        reasons(partner_user, products["azure"])


def _orm_rows(user, kinds=None):
    """What the ORM reads for the options (the compiled query must build the same)."""
    return list(Contract._registered_query(user, kinds))


def _state(contract):
    location = contract._state.fields_cache.get("location", "not cached")
    return (
        {f.attname: getattr(contract, f.attname) for f in Contract._meta.concrete_fields},
        contract.covered_product_ids,
        location if location in (None, "not cached") else (location.pk, location.name),
        contract._state.adding,
        contract._state.db,
    )


def test_the_compiled_query_builds_what_the_orm_builds(partner_user, products):
    hq = partner_user.partner.locations.first()
    make_contract(
        partner_user.partner,
        register_to=partner_user,
        location=hq,
        products=[products["azure"], products["office"]],
    )
    make_contract(partner_user.partner, kind=ContractKind.PRODUCT_SUPPORT, register_to=partner_user)
    make_contract(partner_user.partner, register_to=partner_user, activated=False)

    for kinds in (
        None,
        [ContractKind.PRODUCT_SUPPORT],
        [ContractKind.SIGNATURE_CLOUD, ContractKind.PRODUCT_SUPPORT],
    ):
        compiled = Contract._registered_with_covered_ids(partner_user, kinds)
        assert [_state(c) for c in compiled] == [_state(c) for c in _orm_rows(partner_user, kinds)]
    assert any(c.location is not None for c in compiled)  # drawn without a query


def test_the_compiled_query_reads_afresh_for_each_user_and_call(partner_user, products, other_user):
    contract = make_contract(partner_user.partner, register_to=partner_user, units=3, used=2)
    theirs = make_contract(other_user.partner, register_to=other_user)
    assert [o.contract for o in Contract.options_for(partner_user, products["azure"])[0]] == [
        contract
    ]

    Contract.objects.filter(pk=contract.pk).update(units_used=3)

    usable, unavailable = Contract.options_for(partner_user, products["azure"])
    assert usable == [] and [o.contract.units_used for o in unavailable] == [3]
    assert [o.contract for o in Contract.options_for(other_user, products["azure"])[0]] == [theirs]


def test_kinds_filter_the_options(partner_user, products):
    cloud = make_contract(partner_user.partner, register_to=partner_user)
    make_contract(partner_user.partner, kind=ContractKind.PRODUCT_SUPPORT, register_to=partner_user)

    usable, unavailable = Contract.options_for(
        partner_user, products["azure"], kinds=[ContractKind.SIGNATURE_CLOUD]
    )
    assert [o.contract for o in usable + unavailable] == [cloud]
