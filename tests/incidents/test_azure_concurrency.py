"""Two simultaneous final POSTs of the Azure wizard (SPEC §3 consumption): PostgreSQL only.

SQLite serialises writers, so the race only means something on PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import threading

import pytest
from django.db import connections
from django.test import Client

from contracts.models import Contract, ContractEvent, ContractRegistration
from incidents import azure as azure_rules
from incidents.models import HistoryEvent, Incident, IncidentContact
from incidents.wizards import azure as azure_wizard
from notifications.models import OutgoingEmail
from partners.models import SubscriptionRole
from tests.builders import make_contract, make_user
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


def _walk_two_sessions(user, azure, contract, monkeypatch):
    # Two wizard runs at once: two colleagues with the same contract and subscription.
    # (One user's browsers share that user's saved draft, i.e. one run: issue 17.) Only
    # one user per partner is the technical contact; here the colleague counts as one
    # too, so that two runs can race for the unit.
    def both_are_technical_contacts(person, **kwargs):
        found = real_prerequisites(person, **kwargs)
        if person.username != "colleague":
            return found
        contact = {"technical_contact", "email_matches"}
        return [dataclasses.replace(p, met=True) if p.key in contact else p for p in found]

    real_prerequisites = azure_rules.azure_prerequisites
    monkeypatch.setattr(azure_rules, "azure_prerequisites", both_are_technical_contacts)
    monkeypatch.setattr(azure_wizard, "azure_prerequisites", both_are_technical_contacts)
    colleague = make_user(user.partner, username="colleague")
    ContractRegistration.objects.create(contract=contract, user=colleague)
    for role in SubscriptionRole.objects.filter(user=user):
        SubscriptionRole.objects.create(
            subscription=role.subscription, user=colleague, role=role.role
        )
    clients = [Client(), Client()]
    for client, person in zip(clients, (user, colleague), strict=True):
        client.force_login(person)  # two browsers, two sessions, two wizard runs
        walk_to_details(client, azure, contract=contract)
    return clients


def test_two_sessions_racing_for_the_last_unit_create_exactly_one_incident(
    partner_user, azure, subscription, monkeypatch
):
    contract = make_contract(partner_user.partner, units=1, register_to=partner_user)
    clients = _walk_two_sessions(partner_user, azure, contract, monkeypatch)
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
    # The refused one's contacts, history and confirmation (written by the statement that
    # found no unit left) went with its rollback: only the winner's rows are left.
    winner = Incident.objects.get()
    assert set(IncidentContact.objects.values_list("incident_id", flat=True)) == {winner.pk}
    assert set(HistoryEvent.objects.values_list("incident_id", flat=True)) == {winner.pk}
    assert OutgoingEmail.objects.count() == 1


def test_two_sessions_submitting_freely_for_the_last_unit_create_one_incident(
    partner_user, azure, subscription, monkeypatch
):
    contract = make_contract(partner_user.partner, units=1, register_to=partner_user)
    clients = _walk_two_sessions(partner_user, azure, contract, monkeypatch)

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
