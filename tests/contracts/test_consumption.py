"""One unit per incident, atomically; a refund writes a reversing row (SPEC §3)."""

import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from contracts.models import Contract, ContractEvent
from tests.builders import make_contract, make_partner
from tests.conftest import is_postgres


def test_consuming_takes_one_unit_and_writes_the_ledger(partner_user):
    contract = make_contract(partner_user.partner, units=3)

    assert contract.consume_unit(incident_number="SR-1", actor=partner_user)

    contract.refresh_from_db()
    assert contract.units_used == 1
    event = contract.events.get()
    assert (event.kind, event.units_delta, event.incident_number, event.actor) == (
        ContractEvent.Kind.CONSUMED,
        -1,
        "SR-1",
        partner_user,
    )


def test_the_last_unit_cannot_be_taken_twice(partner_user):
    contract = make_contract(partner_user.partner, units=1)
    stale = Contract.objects.get(pk=contract.pk)  # loaded before the first consumer

    assert contract.consume_unit(incident_number="SR-1")
    assert not stale.consume_unit(incident_number="SR-2")

    contract.refresh_from_db()
    assert contract.units_used == 1
    assert contract.events.count() == 1


def test_a_refund_writes_a_reversing_row(partner_user):
    contract = make_contract(partner_user.partner, units=3)
    contract.consume_unit(incident_number="SR-1")

    assert contract.refund_unit(incident_number="SR-1", note="Rejected as out of scope")

    contract.refresh_from_db()
    assert contract.units_used == 0
    refund = contract.events.get(kind=ContractEvent.Kind.REFUNDED)
    assert refund.units_delta == 1 and refund.incident_number == "SR-1"


def test_the_balance_never_goes_below_zero_on_refund(partner_user):
    contract = make_contract(partner_user.partner, units=3)

    assert not contract.refund_unit(incident_number="SR-9")
    contract.refresh_from_db()
    assert contract.units_used == 0
    assert not contract.events.exists()


def test_the_used_count_always_equals_the_ledger(partner_user):
    contract = make_contract(partner_user.partner, units=4)
    for n in range(6):  # two more than granted: those fail and write nothing
        contract.consume_unit(incident_number=f"SR-{n}")
    contract.refund_unit(incident_number="SR-0")
    contract.refund_unit(incident_number="SR-1")
    contract.consume_unit(incident_number="SR-7")
    contract.add_units(2)

    contract.refresh_from_db()
    assert contract.units_used == 3
    assert contract.ledger_units_used() == contract.units_used


@pytest.mark.parametrize(
    "update",
    [{"units_used": F("units_granted") + 1}, {"units_used": -1}],
    ids=["above granted", "below zero"],
)
def test_the_database_refuses_an_impossible_balance(partner_user, update):
    contract = make_contract(partner_user.partner, units=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.filter(pk=contract.pk).update(**update)


def test_an_incident_rolled_back_gives_the_unit_back(partner_user):
    contract = make_contract(partner_user.partner, units=1)

    with pytest.raises(RuntimeError), transaction.atomic():
        contract.consume_unit(incident_number="SR-1")
        raise RuntimeError("the incident could not be saved")

    contract.refresh_from_db()
    assert contract.units_used == 0
    assert not contract.events.exists()


@pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL row locking and real threads")
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_consumers_against_five_units_exactly_five_succeed():
    contract = make_contract(make_partner(), units=5)
    consumers = 20
    barrier = threading.Barrier(consumers)
    results, errors = [], []

    def consume(n):
        try:
            # Wait first: with a connection pool, a thread holding a connection at the
            # barrier would starve the others.
            barrier.wait(timeout=30)
            mine = Contract.objects.get(pk=contract.pk)  # each thread: its own connection
            with transaction.atomic():
                ok = mine.consume_unit(incident_number=f"SR-{n}")
                time.sleep(0.05)  # hold the row while the others queue behind it
            results.append(ok)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=consume, args=(n,)) for n in range(consumers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(results) == consumers
    assert results.count(True) == 5
    contract.refresh_from_db()
    assert contract.units_used == 5
    assert contract.units_remaining == 0
    assert contract.events.filter(kind=ContractEvent.Kind.CONSUMED).count() == 5
    assert contract.ledger_units_used() == 5
