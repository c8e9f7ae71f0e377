"""Two simultaneous final POSTs of the Azure wizard (SPEC §3 consumption): PostgreSQL only.

SQLite serialises writers, so the race only means something on PostgreSQL.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connections
from django.test import Client

from contracts.models import Contract, ContractEvent
from incidents.models import Incident
from tests.builders import make_contract
from tests.conftest import is_postgres
from tests.incidents import test_azure_wizard as flow
from tests.incidents.test_azure_wizard import details, post_step, walk_to_details

# The wizard module's fixtures, shared here.
azure = flow.azure
subscription = flow.subscription

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL (set DATABASE_URL)"),
]


def _submit_together(clients, data):
    barrier = threading.Barrier(len(clients))
    responses, errors = [], []

    def submit(client):
        try:
            barrier.wait(timeout=10)
            responses.append(post_step(client, "details", data))
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return responses


def _walk_two_sessions(user, azure, contract):
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(user)  # two browsers, two sessions, two wizard runs
        walk_to_details(client, azure, contract=contract)
    return clients


def test_two_sessions_racing_for_the_last_unit_create_exactly_one_incident(
    partner_user, azure, subscription, monkeypatch
):
    contract = make_contract(partner_user.partner, units=1, register_to=partner_user)
    clients = _walk_two_sessions(partner_user, azure, contract)
    # Hold both submissions just before taking the unit: each has already checked
    # the contract and inserted its incident in its own open transaction.
    both_inside = threading.Barrier(2)
    consume_unit = Contract.consume_unit

    def consume_together(self, **kwargs):
        both_inside.wait(timeout=10)
        return consume_unit(self, **kwargs)

    monkeypatch.setattr(Contract, "consume_unit", consume_together)

    responses = _submit_together(clients, details(subscription))

    assert sorted(r.status_code for r in responses) == [200, 302]
    refused = next(r for r in responses if r.status_code == 200)
    body = refused.content.decode()
    assert "has no units left" in body
    assert 'name="azure_incident_wizard-current_step" value="contract"' in body
    assert Incident.objects.count() == 1
    contract.refresh_from_db()
    assert contract.units_used == 1
    assert ContractEvent.objects.filter(contract=contract, kind="consumed").count() == 1


def test_two_sessions_submitting_freely_for_the_last_unit_create_one_incident(
    partner_user, azure, subscription
):
    contract = make_contract(partner_user.partner, units=1, register_to=partner_user)
    clients = _walk_two_sessions(partner_user, azure, contract)

    responses = _submit_together(clients, details(subscription))

    assert sorted(r.status_code for r in responses) == [200, 302]
    refused = next(r for r in responses if r.status_code == 200)
    # Refused by the unit count, or, when the winner had already committed, by
    # re-validating the chosen contract: either way back on the contract step.
    body = refused.content.decode()
    assert 'name="azure_incident_wizard-current_step" value="contract"' in body
    assert "has no units left" in body or "cannot be used (any more)" in body
    assert Incident.objects.count() == 1
    contract.refresh_from_db()
    assert contract.units_used == 1
    assert ContractEvent.objects.filter(contract=contract, kind="consumed").count() == 1


def test_one_session_posting_submit_twice_at_once_creates_one_incident(
    partner_user, azure, subscription
):
    contract = make_contract(partner_user.partner, units=5, register_to=partner_user)
    first = Client()
    first.force_login(partner_user)
    walk_to_details(first, azure, contract=contract)
    second = Client()
    second.cookies = first.cookies  # the same session: a double click on Submit

    responses = _submit_together([first, second], details(subscription))

    assert Incident.objects.count() == 1
    assert all(r.status_code in (200, 302) for r in responses)
    contract.refresh_from_db()
    assert contract.units_used == 1
