"""Stripe, configured by environment variables: the webhook is verified by django-payments.

Stripe itself cannot run here (a third party), so its webhook is played by signing
events with the endpoint secret exactly as Stripe does; nothing is mocked in the portal
or the library.
"""

import hashlib
import hmac
import json
import time

import pytest
from django.urls import reverse
from payments import PaymentStatus
from payments.core import PROVIDER_CACHE

from contracts.models import Contract
from purchases.models import Order, Payment

from .helpers import place

SECRET = "whsec_test_portal"
WEBHOOK = reverse("static_process_payment", kwargs={"variant": "stripe"})


@pytest.fixture
def stripe_settings(settings):
    settings.PAYMENT_VARIANTS = {
        "stripe": (
            "purchases.providers.StripeProvider",
            {"api_key": "sk_test_x", "endpoint_secret": SECRET, "secure_endpoint": True},
        )
    }
    settings.PAYMENT_VARIANT = "stripe"
    PROVIDER_CACHE.clear()
    yield
    PROVIDER_CACHE.clear()


def signed(payload: str, secret=SECRET) -> str:
    stamp = int(time.time())
    mac = hmac.new(secret.encode(), f"{stamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={stamp},v1={mac}"


def event(payment, status="complete", payment_status="paid"):
    return json.dumps(
        {
            "id": "evt_1",
            "object": "event",
            "type": "checkout.session.completed",
            "data": {
                "object": {
                    "id": "cs_test_1",
                    "object": "checkout.session",
                    "client_reference_id": payment.token,
                    "status": status,
                    "payment_status": payment_status,
                }
            },
        }
    )


def post(client, payload, signature):
    return client.post(
        WEBHOOK, payload, content_type="application/json", headers={"stripe-signature": signature}
    )


def test_a_verified_webhook_pays_the_order_once_even_if_delivered_twice(
    client, buyer_client, prices, stripe_settings
):
    order = place(buyer_client, prices["emea"], 1)
    payment = Payment.objects.get(order=order)
    assert payment.variant == "stripe"
    payload = event(payment)
    assert post(client, payload, signed(payload)).status_code == 200
    assert post(client, payload, signed(payload)).status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert Contract.objects.count() == 1


def test_a_webhook_with_a_wrong_signature_changes_nothing(
    client, buyer_client, prices, stripe_settings
):
    order = place(buyer_client, prices["emea"], 1)
    payment = Payment.objects.get(order=order)
    payload = event(payment)
    assert post(client, payload, signed(payload, secret="whsec_forged")).status_code == 400
    response = client.post(WEBHOOK, payload, content_type="application/json")
    assert response.status_code == 400  # no signature at all
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.WAITING
    assert not Contract.objects.exists()


def test_an_expired_checkout_creates_no_plan(client, buyer_client, prices, stripe_settings):
    order = place(buyer_client, prices["emea"], 1)
    payload = event(Payment.objects.get(order=order), status="expired", payment_status="unpaid")
    assert post(client, payload, signed(payload)).status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.FAILED
    assert not Contract.objects.exists()
