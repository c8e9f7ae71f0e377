"""Two quick clicks on "Pay", or two deliveries of one notification, at the same moment."""

import threading
import uuid

import pytest
from django.db import connection

from contracts.models import Contract
from purchases.models import Order, Payment
from purchases.services import fulfil, place_order
from tests.conftest import is_postgres

pytestmark = [
    pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL and real threads"),
    pytest.mark.django_db(transaction=True),
]


def run_together(target, count=8):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker():
        try:
            barrier.wait(timeout=30)
            results.append(target())
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


def test_simultaneous_pay_clicks_with_one_checkout_key_make_one_order(buyer, prices):
    key = uuid.uuid4()
    entry = prices["emea"]
    orders = run_together(
        lambda: place_order(user=buyer, entry=entry, quantity=5, checkout_key=key).pk
    )
    assert len(set(orders)) == 1
    assert Order.objects.count() == 1 and Payment.objects.count() == 1


def test_simultaneous_confirmations_create_one_plan(buyer, prices):
    order = place_order(user=buyer, entry=prices["emea"], quantity=1, checkout_key=uuid.uuid4())
    claimed = run_together(lambda: fulfil(Order.objects.get(pk=order.pk)))
    assert claimed.count(True) == 1
    assert Contract.objects.count() == 1
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.contract.units_granted == 1
