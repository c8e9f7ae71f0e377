"""Simultaneous API calls on PostgreSQL: one request per Idempotency-Key, never more calls
than the throttle allows. SQLite serialises writers, so the races mean something only here."""

from __future__ import annotations

import threading

import pytest
from django.db import connections
from django.test import Client

from api.models import ApiToken
from contracts.models import Contract
from incidents.models import Incident
from tests.api.conftest import Api, azure_request, issue
from tests.conftest import is_postgres

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL (set DATABASE_URL)"),
]


def together(count, call):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(call())
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def test_simultaneous_creates_with_one_idempotency_key_make_one_request_and_take_one_unit(
    partner_user, azure, subscription, contract
):
    secret = issue(partner_user)
    body = azure_request(azure, subscription, contract)

    def create():
        return Api(Client(), secret).post(
            "/serviceRequests", body, headers={"Idempotency-Key": "retry-storm"}
        )

    responses = together(4, create)
    assert sorted(r.status_code for r in responses)[-1] in (200, 201)
    assert {r.json()["number"] for r in responses} == {Incident.objects.get().number}
    assert Contract.objects.get(pk=contract.pk).units_used == 1


def test_simultaneous_calls_never_exceed_the_throttle(partner_user, settings):
    settings.API_THROTTLE_CALLS = 3
    settings.API_THROTTLE_WINDOW = 3600
    secret = issue(partner_user)
    statuses = together(8, lambda: Api(Client(), secret).get("/contracts").status_code)
    assert sorted(statuses) == [200] * 3 + [429] * 5
    assert ApiToken.objects.get().window_calls == 3
