"""Stripe is configured by environment variables; the test provider is the default."""

import os
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

from purchases.models import Order

BASE_DIR = Path(__file__).resolve().parent.parent.parent
CODE = (
    "import django; django.setup(); from django.conf import settings;"
    "v = settings.PAYMENT_VARIANTS[settings.PAYMENT_VARIANT];"
    "print(settings.PAYMENT_VARIANT, v[0], v[1].get('endpoint_secret', '-'),"
    " settings.PAYMENTS_ENABLED)"
)


def settings_with(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("STRIPE_")}
    return subprocess.run(
        [sys.executable, "-c", CODE],
        cwd=BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_stripe_keys_the_embedded_test_provider_is_used():
    result = settings_with()
    assert result.stdout.split() == ["test", "purchases.providers.TestCardProvider", "-", "True"]


def test_stripe_keys_switch_to_stripe_with_its_webhook_secret():
    result = settings_with(STRIPE_API_KEY="sk_test_1", STRIPE_WEBHOOK_SECRET="whsec_1")
    assert result.stdout.split() == [
        "stripe",
        "purchases.providers.StripeProvider",
        "whsec_1",
        "True",
    ]


def test_stripe_without_a_webhook_secret_refuses_to_start():
    result = settings_with(STRIPE_API_KEY="sk_test_1")
    assert result.returncode != 0
    assert "STRIPE_WEBHOOK_SECRET must be set" in result.stderr


def test_production_without_stripe_sells_nothing_unless_test_payments_are_asked_for():
    production = {
        "PORTAL_ENV": "production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "support.example.com",
    }
    assert settings_with(**production).stdout.split()[-1] == "False"
    staging = settings_with(**production, PAYMENT_TEST_PROVIDER="1")
    assert staging.stdout.split()[-1] == "True"


def test_with_payments_off_even_a_personal_account_is_refused(buyer_client, settings, prices):
    settings.PAYMENTS_ENABLED = False
    page = buyer_client.get(reverse("purchases:buy"))
    assert "not available at the moment" in page.content.decode()
    response = buyer_client.post(
        reverse("purchases:review"),
        {"entry": prices["emea"].pk, "quantity": 1, "consent": "on", "checkout_key": "x"},
    )
    assert response.status_code == 403
    assert not Order.objects.exists()
