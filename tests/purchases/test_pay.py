"""Paying with the embedded test provider, the receipt, and the plan it creates (issue 19)."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from payments import PaymentStatus

from contracts.models import Contract, ContractEvent, ContractKind, Platform
from purchases.models import Order, Payment
from purchases.providers import CARD_DECLINED, CARD_NEEDS_3DS, CARD_SUCCEEDS
from purchases.services import fulfil
from tests.builders import make_product

from .helpers import pay, place


@pytest.fixture
def order(buyer_client, prices):
    return place(buyer_client, prices["emea"], 1)


def test_the_pay_page_shows_the_test_card_form(buyer_client, order):
    response = buyer_client.get(reverse("purchases:pay", args=[order.public_id]))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'autocomplete="cc-number"' in text
    assert "4242 4242 4242 4242" in text


def test_a_successful_payment_creates_the_plan_at_once_and_mails_the_receipt(
    buyer_client, buyer, order, windows, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = pay(buyer_client, order)
    assert response.status_code == 302
    assert response["Location"] == order.get_absolute_url()
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    plan = order.contract
    today = timezone.localdate()
    assert plan.kind == ContractKind.PAY_PER_INCIDENT
    assert (plan.units_granted, plan.units_used) == (1, 0)
    assert plan.is_activated and plan.activated_on == today
    assert plan.ends_on == today.replace(year=today.year + 1)
    assert list(plan.products.all()) == [windows]
    assert plan.registrations.get().user == buyer
    event = plan.events.get()
    assert (event.kind, event.units_delta) == (ContractEvent.Kind.UNITS_ADDED, 1)
    assert [m.to for m in mail.outbox] == [[buyer.email]]
    assert plan.contract_id in mail.outbox[0].body
    assert "459.00 EUR" in mail.outbox[0].body
    receipt = buyer_client.get(order.get_absolute_url()).content.decode()
    assert "Receipt" in receipt and plan.access_id in receipt


def test_the_plan_is_for_on_premises_incidents_of_its_product_even_old_versions(
    buyer_client, buyer, order, windows
):
    pay(buyer_client, order)
    order.refresh_from_db()
    usable, _ = Contract.options_for(buyer, windows)
    assert [o.contract for o in usable] == [order.contract]
    azure = make_product("Microsoft Azure", Platform.AZURE)
    usable, unavailable = Contract.options_for(buyer, azure)
    assert not usable and unavailable[0].contract == order.contract


def test_a_declined_card_creates_no_plan(buyer_client, order):
    response = pay(buyer_client, order, CARD_DECLINED)
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.FAILED
    assert order.contract is None and not Contract.objects.exists()
    page = buyer_client.get(order.get_absolute_url()).content.decode()
    assert "you were not charged" in page and "Try again" in page


def test_a_3d_secure_card_asks_for_a_further_step_then_pays(buyer_client, order):
    pay_url = reverse("purchases:pay", args=[order.public_id])
    response = pay(buyer_client, order, CARD_NEEDS_3DS)
    assert response["Location"] == pay_url
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING and not Contract.objects.exists()
    challenge = buyer_client.get(pay_url)
    assert challenge.context["challenge"]
    buyer_client.post(pay_url, {"decision": "approve"})
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.contract.units_granted == 1


def test_a_declined_3d_secure_step_creates_no_plan(buyer_client, order):
    pay_url = reverse("purchases:pay", args=[order.public_id])
    pay(buyer_client, order, CARD_NEEDS_3DS)
    buyer_client.post(pay_url, {"decision": "decline"})
    order.refresh_from_db()
    assert order.status == Order.Status.FAILED and not Contract.objects.exists()


def test_an_unknown_card_number_re_renders_the_form_and_charges_nothing(buyer_client, order):
    response = pay(buyer_client, order, "1234 5678")
    assert response.status_code == 400
    assert "Use one of the test card numbers" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING and not Contract.objects.exists()


def test_the_card_number_is_never_stored(buyer_client, order):
    pay(buyer_client, order, CARD_SUCCEEDS)
    payment = Payment.objects.get()
    stored = " ".join(str(getattr(payment, f.name)) for f in Payment._meta.fields)
    assert CARD_SUCCEEDS not in stored


def test_a_second_click_on_pay_makes_one_plan(buyer_client, order):
    pay(buyer_client, order)
    again = pay(buyer_client, order)
    assert again.status_code == 302 and again["Location"] == order.get_absolute_url()
    assert Contract.objects.count() == 1


def test_a_repeated_confirmation_creates_the_plan_once(buyer_client, order):
    pay(buyer_client, order)
    payment = Payment.objects.get()
    payment.change_status(PaymentStatus.CONFIRMED)  # e.g. the provider notifies again
    assert fulfil(Order.objects.get(pk=order.pk)) is False
    assert Contract.objects.count() == 1
    assert ContractEvent.objects.count() == 1


def test_an_abandoned_payment_creates_no_plan(buyer_client, order):
    buyer_client.get(reverse("purchases:pay", args=[order.public_id]))
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING and order.contract is None
    page = buyer_client.get(order.get_absolute_url()).content.decode()
    assert "No plan is created" in page


def test_the_providers_callback_cannot_confirm_a_test_payment(client, order):
    payment = Payment.objects.get()
    url = reverse("process_payment", args=[payment.token])
    response = client.get(url, {"verification_result": "confirmed"})
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.status != PaymentStatus.CONFIRMED
    assert not Contract.objects.exists()


@pytest.mark.parametrize("view", ["purchases:pay", "purchases:order"])
def test_another_partners_user_gets_404(client, other_user, order, view):
    client.force_login(other_user)
    assert client.get(reverse(view, args=[order.public_id])).status_code == 404
    assert (
        client.post(
            reverse("purchases:pay", args=[order.public_id]), {"card_number": CARD_SUCCEEDS}
        ).status_code
        == 404
    )
    assert not Contract.objects.exists()


def test_the_plan_shows_on_my_benefits_with_end_date_and_remaining(buyer_client, order):
    pay(buyer_client, order)
    order.refresh_from_db()
    page = buyer_client.get(reverse("contracts:benefits")).content.decode()
    assert "Pay-per-incident plans" in page
    assert order.contract.contract_id in page
    assert 'data-testid="ppi-remaining">1<' in page


def test_an_expired_plan_leaves_my_benefits(buyer_client, order):
    pay(buyer_client, order)
    Contract.objects.update(ends_on=timezone.localdate() - dt.timedelta(days=1))
    page = buyer_client.get(reverse("contracts:benefits")).content.decode()
    assert "Pay-per-incident plans" not in page
