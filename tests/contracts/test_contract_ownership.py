"""A contract is used only by users of the partner that holds it, and the
wrong-pair throttle counts atomically (issue 14)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from contracts.models import Contract, ContractEvent, ContractNotHeld, RegistrationFailure
from contracts.services import (
    MAX_FAILURES,
    RegistrationError,
    RegistrationThrottled,
    register_contract,
)
from incidents.models import Incident
from incidents.services import IncidentDraft, submit_incident
from tests.builders import make_contract, make_partner, make_user
from tests.conftest import is_postgres

GENERIC = "No contract matches this Access ID and Contract ID. Check both and try again."


def test_another_partners_pair_gets_the_generic_error_and_counts(partner_user, other_partner):
    theirs = make_contract(other_partner, access_id="THEIR-A", contract_id="THEIR-C")

    with pytest.raises(RegistrationError) as refused:
        register_contract(partner_user, "THEIR-A", "THEIR-C")

    assert str(refused.value) == GENERIC
    assert RegistrationFailure.objects.filter(user=partner_user).count() == 1
    assert not theirs.registrations.exists()


def test_the_register_page_refuses_another_partners_pair(partner_client, other_partner):
    make_contract(other_partner, access_id="THEIR-A", contract_id="THEIR-C")
    response = partner_client.post(
        "/contracts/register/", {"access_id": "THEIR-A", "contract_id": "THEIR-C"}
    )
    assert response.status_code == 200
    assert GENERIC in response.content.decode()
    assert not Contract.objects.registered_to(response.wsgi_request.user).exists()


def test_another_partners_pairs_are_throttled_like_wrong_ones(partner_user, other_partner):
    make_contract(other_partner, access_id="THEIR-A", contract_id="THEIR-C")
    for _ in range(MAX_FAILURES):
        with pytest.raises(RegistrationError):
            register_contract(partner_user, "THEIR-A", "THEIR-C")
    with pytest.raises(RegistrationThrottled):
        register_contract(partner_user, "THEIR-A", "THEIR-C")


def test_a_unit_of_another_partners_contract_cannot_be_consumed(partner_user, other_partner):
    theirs = make_contract(other_partner, units=3)

    with pytest.raises(ContractNotHeld):
        theirs.consume_unit(incident_number="SR-1", actor=partner_user)

    theirs.refresh_from_db()
    assert theirs.units_used == 0
    assert not ContractEvent.objects.exists()


def test_an_incident_paid_by_another_partners_contract_is_refused_whole(
    partner_user, other_partner
):
    # e.g. a registration made before the rule existed
    theirs = make_contract(other_partner, units=3, register_to=partner_user)

    with pytest.raises(ContractNotHeld):
        submit_incident(
            IncidentDraft(
                user=partner_user,
                channel="office365",
                title="Mail flow stopped",
                description="No mail since 9:00",
                severity="B",
                contact_name="Anna",
                contact_email=partner_user.email,
                contract=theirs,
            )
        )

    assert not Incident.objects.exists()
    theirs.refresh_from_db()
    assert theirs.units_used == 0


def test_the_holding_partners_users_consume_as_before(partner_user):
    ours = make_contract(partner_user.partner, units=1)
    assert ours.consume_unit(incident_number="SR-1", actor=partner_user)
    assert not ours.consume_unit(incident_number="SR-2", actor=partner_user)


@pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL row locking and real threads")
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_wrong_pairs_let_at_most_the_limit_through():
    partner = make_partner()
    user = make_user(partner, username="guesser")
    make_contract(partner, access_id="ACC-1", contract_id="CON-1")
    guesses = 20
    barrier = threading.Barrier(guesses)
    outcomes, errors = [], []

    def guess(n):
        try:
            barrier.wait(timeout=30)
            try:
                register_contract(user, "ACC-1", f"wrong-{n}")
            except RegistrationThrottled:
                outcomes.append("throttled")
            except RegistrationError:
                outcomes.append("tried")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(guesses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(outcomes) == guesses
    assert outcomes.count("tried") == MAX_FAILURES
    assert outcomes.count("throttled") == guesses - MAX_FAILURES
    assert RegistrationFailure.objects.filter(user=user).count() == MAX_FAILURES
