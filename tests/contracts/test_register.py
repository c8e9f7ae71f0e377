import logging
import re

import pytest
from django.urls import reverse

from contracts.models import Contract, ContractRegistration, Platform, RegistrationFailure
from contracts.services import MAX_FAILURES
from tests.builders import make_contract, make_product, make_staff, make_user

URL = reverse("contracts:register")
GENERIC = "No contract matches this Access ID and Contract ID. Check both and try again."


def post(client, access_id, contract_id):
    return client.post(URL, {"access_id": access_id, "contract_id": contract_id})


def test_it_requires_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_it_is_404_for_users_without_a_partner(client, db):
    client.force_login(make_staff())
    assert client.get(URL).status_code == 404


def test_it_refuses_other_methods(partner_client):
    assert partner_client.put(URL).status_code == 405


def test_it_registers_a_contract_by_both_ids_and_lists_it(partner_client, partner_user):
    contract = make_contract(partner_user.partner, access_id="ACC-1", contract_id="CON-1")

    response = post(partner_client, " ACC-1 ", "CON-1")

    assert response.status_code == 302
    assert ContractRegistration.objects.filter(contract=contract, user=partner_user).exists()
    page = partner_client.get(URL)
    assert contract.name in page.content.decode()
    assert "CON-1" in page.content.decode()


def test_a_second_registration_says_contract_is_already_registered(partner_client, partner_user):
    make_contract(partner_user.partner, access_id="ACC-1", contract_id="CON-1")
    post(partner_client, "ACC-1", "CON-1")

    response = post(partner_client, "ACC-1", "CON-1")

    assert response.status_code == 200
    assert "Contract is already registered" in response.content.decode()
    assert ContractRegistration.objects.count() == 1


def test_a_wrong_pair_gets_one_generic_error_whichever_id_was_wrong(
    partner_client, partner_user, other_partner
):
    make_contract(partner_user.partner, access_id="OWN-A", contract_id="OWN-C")
    make_contract(other_partner, access_id="OTHER-A", contract_id="OTHER-C")
    attempts = [
        ("OWN-A", "WRONG"),  # right Access ID, wrong Contract ID
        ("WRONG", "OWN-C"),  # wrong Access ID, right Contract ID
        ("OTHER-A", "OWN-C"),  # IDs of two different contracts
        ("OTHER-A", "WRONG"),  # another partner's Access ID
    ]
    responses = [post(partner_client, a, c) for a, c in attempts]

    assert {r.status_code for r in responses} == {200}
    bodies = [r.content.decode() for r in responses]
    assert all(GENERIC in body for body in bodies)
    # The error block is identical in every case.
    summaries = {
        re.search(r'<div class="error-summary".*?</div>', b, re.S).group(0) for b in bodies
    }
    assert len(summaries) == 1
    assert not ContractRegistration.objects.exists()


def test_more_than_five_wrong_pairs_in_15_minutes_are_refused_with_429_and_logged(
    partner_client, partner_user, caplog
):
    contract = make_contract(partner_user.partner, access_id="ACC-1", contract_id="CON-1")
    for i in range(MAX_FAILURES):
        assert post(partner_client, "ACC-1", f"guess-{i}").status_code == 200

    with caplog.at_level(logging.WARNING, logger="contracts.services"):
        response = post(partner_client, "ACC-1", "CON-1")  # even the right pair now

    assert response.status_code == 429
    assert "Too many wrong attempts" in response.content.decode()
    assert "throttled" in caplog.text and partner_user.username in caplog.text
    assert not ContractRegistration.objects.filter(contract=contract).exists()


def test_old_failures_no_longer_throttle(partner_client, partner_user):
    from datetime import timedelta

    from django.utils import timezone

    make_contract(partner_user.partner, access_id="ACC-1", contract_id="CON-1")
    for _ in range(MAX_FAILURES):
        RegistrationFailure.objects.create(user=partner_user)
    RegistrationFailure.objects.update(created_at=timezone.now() - timedelta(minutes=16))

    assert post(partner_client, "ACC-1", "CON-1").status_code == 302


def test_throttling_is_per_user(partner_client, partner_user, other_user, client):
    for i in range(MAX_FAILURES):
        post(partner_client, "X", f"guess-{i}")
    make_contract(other_user.partner, access_id="B-A", contract_id="B-C")
    client.force_login(other_user)

    assert post(client, "B-A", "B-C").status_code == 302


def test_a_user_never_sees_another_partners_contract_without_both_ids(
    partner_client, partner_user, other_partner
):
    theirs = make_contract(other_partner, access_id="THEIR-A", contract_id="THEIR-C")

    page = partner_client.get(URL).content.decode()
    azure = make_product("Microsoft Azure", Platform.AZURE)
    usable, unavailable = Contract.objects.model.options_for(partner_user, azure)

    assert "THEIR-C" not in page and theirs.name not in page
    assert theirs not in [o.contract for o in usable + unavailable]
    assert not Contract.objects.registered_to(partner_user).exists()


def test_holding_both_ids_is_how_a_benefit_is_shared_within_the_partner(
    partner_client, partner_user
):
    # Issue 14: a contract is used only by users of the partner that holds it;
    # another partner's pair is refused (tests/contracts/test_contract_ownership.py).
    colleague = make_user(partner_user.partner, username="colleague")
    ours = make_contract(
        partner_user.partner, access_id="OUR-A", contract_id="OUR-C", register_to=colleague
    )

    assert post(partner_client, "OUR-A", "OUR-C").status_code == 302

    azure = make_product("Microsoft Azure", Platform.AZURE)
    usable, _ = Contract.options_for(partner_user, azure)
    assert [o.contract for o in usable] == [ours]


@pytest.mark.parametrize("field", ["access_id", "contract_id"])
def test_both_ids_are_required(partner_client, field):
    data = {"access_id": "A", "contract_id": "C"}
    data[field] = ""
    response = partner_client.post(URL, data)
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not RegistrationFailure.objects.exists()
