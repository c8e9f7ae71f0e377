"""Staff manage the price list and refund orders in the admin (issue 19)."""

from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from payments import PaymentStatus

from contracts.models import ContractEvent, Platform
from partners.models import Region
from purchases.models import Order, Payment, PriceListEntry
from purchases.services import PurchaseRefused, refund
from tests.builders import make_product

from .helpers import pay, place


@pytest.fixture
def paid(buyer_client, prices):
    order = place(buyer_client, prices["emea"], 5)
    pay(buyer_client, order)
    return Order.objects.select_related("contract").get(pk=order.pk)


def refund_via_admin(client, order, reason):
    url = reverse("admin:purchases_order_changelist")
    return client.post(
        url,
        {
            "action": "refund_orders",
            ACTION_CHECKBOX_NAME: [order.pk],
            "apply": "1",
            "reason": reason,
        },
    )


def test_staff_refund_removes_the_unused_units_and_records_it_in_the_ledger(client, staff, paid):
    paid.contract.consume_unit(incident_number="INC-1")
    client.force_login(staff)
    response = refund_via_admin(client, paid, "Bought by mistake")
    assert response.status_code == 302
    paid.refresh_from_db()
    paid.contract.refresh_from_db()
    assert paid.status == Order.Status.REFUNDED
    assert paid.refund_reason == "Bought by mistake"
    assert paid.refunded_amount == Decimal("1599.99")  # 4 of 5 unused
    assert (paid.contract.units_granted, paid.contract.units_used) == (1, 1)
    event = paid.contract.events.filter(
        units_delta__lt=0, kind=ContractEvent.Kind.UNITS_ADDED
    ).get()
    assert event.units_delta == -4 and "Bought by mistake" in event.note and event.actor == staff
    assert Payment.objects.get().status == PaymentStatus.CONFIRMED  # partly refunded


def test_the_refund_asks_for_a_reason_first(client, staff, paid):
    client.force_login(staff)
    response = refund_via_admin(client, paid, "")
    assert response.status_code == 200
    assert "Reason for the refund" in response.content.decode()
    paid.refresh_from_db()
    assert paid.status == Order.Status.PAID


def test_an_unpaid_or_used_up_order_cannot_be_refunded(buyer_client, staff, paid, prices):
    pending = place(buyer_client, prices["emea"], 1)
    with pytest.raises(PurchaseRefused):
        refund(pending, actor=staff, reason="x")
    for _ in range(5):
        paid.contract.consume_unit()
    with pytest.raises(PurchaseRefused):
        refund(paid, actor=staff, reason="x")
    refund_count = ContractEvent.objects.filter(units_delta__lt=0, kind="units_added").count()
    assert refund_count == 0


def test_a_full_refund_of_a_single_incident(buyer_client, staff, prices):
    order = place(buyer_client, prices["emea"], 1)
    pay(buyer_client, order)
    assert refund(Order.objects.get(pk=order.pk), actor=staff, reason="Not needed") == 1
    order.refresh_from_db()
    assert order.refunded_amount == Decimal("459.00")
    assert Payment.objects.get().status == PaymentStatus.REFUNDED
    assert order.contract.units_remaining == 0


def test_staff_see_the_price_list_in_the_admin(client, staff, prices):
    client.force_login(staff)
    response = client.get(reverse("admin:purchases_pricelistentry_changelist"))
    assert response.status_code == 200
    assert "1999.99" in response.content.decode()


def test_a_5_pack_offered_needs_its_price(windows):
    entry = PriceListEntry(
        product=windows, region=Region.NORTH_AMERICA, currency="USD", price_single=Decimal("1")
    )
    with pytest.raises(ValidationError):
        entry.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        entry.save()


def test_the_price_list_takes_iso_currency_codes_and_on_premises_products(windows, db):
    entry = PriceListEntry(
        product=windows,
        region=Region.NORTH_AMERICA,
        currency="usd",
        price_single=Decimal("1"),
        five_pack_offered=False,
    )
    with pytest.raises(ValidationError) as err:
        entry.full_clean()
    assert "currency" in err.value.message_dict
    entry.currency = "USD"
    entry.product = make_product("Office 365", Platform.OFFICE365)
    with pytest.raises(ValidationError) as err:
        entry.full_clean()
    assert "product" in err.value.message_dict


def test_prices_are_exact_decimals(prices):
    entry = PriceListEntry.objects.get(pk=prices["emea"].pk)
    assert entry.price_for(5) == Decimal("1999.99")
    assert entry.price_for(1) == Decimal("459.00")
    assert PriceListEntry.objects.get(pk=prices["latam"].pk).price_for(5) is None


def test_staff_open_an_order_with_its_payment_in_the_admin(client, staff, paid):
    client.force_login(staff)
    page = client.get(reverse("admin:purchases_order_change", args=[paid.pk]))
    assert page.status_code == 200
    assert paid.reference in page.content.decode()


def test_the_price_list_offers_only_on_premises_products(client, staff, windows):
    make_product("Office 365", Platform.OFFICE365)
    client.force_login(staff)
    form = client.get(reverse("admin:purchases_pricelistentry_add")).context["adminform"].form
    assert list(form.fields["product"].queryset) == [windows]
