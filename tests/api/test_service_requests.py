"""Service requests through the API: the wizards' rules, the same services, the same pages."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from contracts.models import Contract, ContractEvent, ContractKind
from incidents.models import HistoryEvent, Incident, Message, Status, Tree
from tests.api.conftest import CONTACT, Api, azure_request, issue
from tests.builders import make_contract, make_partner, make_topic_path, make_user


def units_used(contract) -> int:
    return Contract.objects.get(pk=contract.pk).units_used


def test_it_creates_an_azure_request_and_takes_one_unit_as_the_wizard_does(
    api, azure, subscription, contract, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/serviceRequests", azure_request(azure, subscription, contract))
    assert response.status_code == 201, response.content
    body = response.json()
    incident = Incident.objects.get()
    assert body["number"] == incident.number
    assert body["status"] == "open" and body["portalStatus"] == Status.SUBMITTED
    assert body["contractId"] == contract.contract_id and body["unitConsumed"]
    assert incident.channel == "azure" and incident.subscription == subscription
    assert incident.contract == contract and incident.response_due_at is not None
    assert units_used(contract) == 1
    # The ledger records it as the wizard's submission does: one unit, this incident.
    event = ContractEvent.objects.get(contract=contract)
    assert (event.kind, event.units_delta, event.incident_number) == (
        ContractEvent.Kind.CONSUMED,
        -1,
        incident.number,
    )
    assert [m.to for m in mail.outbox] == [[CONTACT["email"]]]


def test_the_request_appears_in_manage_support_requests_and_the_engineer_queue(
    client, api, azure, subscription, contract, partner_user, engineer
):
    number = api.post("/serviceRequests", azure_request(azure, subscription, contract)).json()[
        "number"
    ]
    client.force_login(partner_user)
    assert number in client.get(reverse("incidents:manage_list")).content.decode()
    client.force_login(engineer)
    assert number in client.get(reverse("incidents:queue")).content.decode()


def test_the_same_idempotency_key_returns_the_first_request_and_takes_no_second_unit(
    api, azure, subscription, contract
):
    body = azure_request(azure, subscription, contract)
    first = api.post("/serviceRequests", body, headers={"Idempotency-Key": "psa-4711"})
    again = api.post("/serviceRequests", body, headers={"Idempotency-Key": "psa-4711"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    assert Incident.objects.count() == 1 and units_used(contract) == 1
    other = api.post("/serviceRequests", body, headers={"Idempotency-Key": "psa-4712"})
    assert other.status_code == 201 and Incident.objects.count() == 2


def test_another_users_same_idempotency_key_is_a_different_request(
    client, api, azure, subscription, contract, partner_user
):
    api.post(
        "/serviceRequests",
        azure_request(azure, subscription, contract),
        headers={"Idempotency-Key": "k1"},
    )
    colleague = make_user(partner_user.partner, username="cili")
    response = Api(client, issue(colleague)).post(
        "/serviceRequests",
        azure_request(azure, subscription, contract),
        headers={"Idempotency-Key": "k1"},
    )
    # Not the colleague's request to see: refused by the Azure rules, never the first one.
    assert response.status_code == 422
    assert Incident.objects.count() == 1


def test_another_partners_contract_is_refused_and_nothing_is_created(
    api, azure, subscription, contract
):
    foreign = make_contract(make_partner("Fabrikam"), units=5)
    response = api.post("/serviceRequests", azure_request(azure, subscription, foreign))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "contractId"
    assert not Incident.objects.exists() and units_used(foreign) == 0


def test_a_contract_of_another_kind_is_refused_with_the_wizards_message(
    api, azure, subscription, partner_user
):
    other_kind = make_contract(
        partner_user.partner, kind=ContractKind.PRODUCT_SUPPORT, register_to=partner_user
    )
    response = api.post("/serviceRequests", azure_request(azure, subscription, other_kind))
    assert response.status_code == 422
    assert "Signature Cloud Support contract" in response.json()["detail"]
    assert not Incident.objects.exists()


def test_without_a_contract_an_azure_technical_request_is_refused(api, azure, subscription):
    response = api.post("/serviceRequests", azure_request(azure, subscription))
    assert response.status_code == 422
    assert not Incident.objects.exists()


def test_a_contract_without_units_left_is_refused_atomically(
    api, azure, subscription, partner_user
):
    empty = make_contract(partner_user.partner, register_to=partner_user, units=1, used=1)
    response = api.post("/serviceRequests", azure_request(azure, subscription, empty))
    assert response.status_code == 422
    assert not Incident.objects.exists() and units_used(empty) == 1


def test_an_advisory_topic_is_routed_and_takes_no_unit(api, azure, subscription, contract):
    response = api.post(
        "/serviceRequests",
        azure_request(azure, subscription, contract, supportTopicId=azure["advisory"].pk),
    )
    assert response.status_code == 201
    incident = Incident.objects.get()
    assert incident.status == Status.ROUTED and incident.routed_to == "partner_programme"
    assert not incident.unit_consumed and units_used(contract) == 0


def test_billing_needs_no_contract_and_is_routed(api, azure, subscription):
    response = api.post(
        "/serviceRequests", azure_request(azure, subscription, supportOption="billing")
    )
    assert response.status_code == 201
    assert Incident.objects.get().routed_to == "billing"


def test_an_ineligible_partner_is_recorded_as_rejected_without_a_unit(client, azure):
    partner = make_partner("Office Only", competencies=["Cloud Productivity"])
    user = make_user(partner, username="olga", technical_contact=True)
    from partners.models import AzureSubscription, SubscriptionRole

    subscription = AzureSubscription.objects.create(name="P", owner_partner=partner)
    SubscriptionRole.objects.create(subscription=subscription, user=user, role="service_admin")
    contract = make_contract(partner, register_to=user)
    response = Api(client, issue(user)).post(
        "/serviceRequests", azure_request(azure, subscription, contract)
    )
    assert response.status_code == 201
    assert response.json()["portalStatus"] == Status.REJECTED
    assert "Cloud Productivity" in response.json()["statusReason"]
    assert units_used(contract) == 0


def test_a_user_who_is_not_the_technical_contact_is_refused(client, partner, azure, contract):
    colleague = make_user(partner, username="dora")
    response = Api(client, issue(colleague)).post(
        "/serviceRequests",
        azure_request(azure, type("S", (), {"subscription_id": "0" * 32})(), contract),
    )
    assert response.status_code == 422
    assert not Incident.objects.exists()


def test_24x7_only_with_severity_a_in_the_callers_language(api, azure, subscription, contract):
    body = azure_request(azure, subscription, contract, is24x7=True, severity="B")
    english = api.post("/serviceRequests", body)
    assert english.status_code == 422
    assert english.json()["detail"] == "24/7 support can be chosen only with severity A."
    hungarian = api.post("/serviceRequests", body, headers={"Accept-Language": "hu"})
    assert hungarian.status_code == 422
    assert hungarian.json()["detail"] != english.json()["detail"]
    assert not Incident.objects.exists() and units_used(contract) == 0


def test_an_office365_request_takes_no_unit_and_follows_eligibility(api, partner_user):
    leaf = make_topic_path(Tree.OFFICE365, "Technical", "Exchange Online", "Mail flow", "Delays")[
        -1
    ]
    body = {
        "title": "Mail delayed",
        "description": "Mail arrives an hour late.",
        "severity": "C",
        "supportTopicId": leaf.pk,
        "primaryContact": CONTACT,
        "locale": "hu",
        "timeZone": "Europe/Budapest",
        "supportingInfo": {
            "tenantDomain": "contoso.onmicrosoft.com",
            "usersAffected": 40,
            "startedAt": "2026-01-05T07:30:00Z",
            "whatTried": "Restarted the connector.",
        },
    }
    response = api.post("/serviceRequests", body)
    assert response.status_code == 201, response.content
    incident = Incident.objects.get()
    assert incident.channel == "office365" and incident.contract is None
    assert incident.status == Status.SUBMITTED and incident.support_language == "hu"
    assert incident.facts["tenant_domain"] == "contoso.onmicrosoft.com"
    assert incident.facts["started_at"] == "2026-01-05T08:30:00+01:00"


def test_an_office365_request_needs_the_wizards_supporting_information(api):
    leaf = make_topic_path(Tree.OFFICE365, "Technical", "Exchange Online", "Mail flow", "Delays")[
        -1
    ]
    body = {
        "title": "Mail delayed",
        "description": "Mail arrives an hour late.",
        "severity": "C",
        "supportTopicId": leaf.pk,
        "primaryContact": CONTACT,
    }
    missing = api.post("/serviceRequests", body)
    assert missing.status_code == 422
    assert {e["field"] for e in missing.json()["errors"]} == {
        "supportingInfo.tenantDomain",
        "supportingInfo.usersAffected",
        "supportingInfo.startedAt",
        "supportingInfo.whatTried",
    }
    body["supportingInfo"] = {
        "tenantDomain": "not a domain",
        "usersAffected": 1,
        "startedAt": "2026-01-05T07:30:00Z",
        "whatTried": "Nothing yet.",
    }
    invalid = api.post("/serviceRequests", body, headers={"Accept-Language": "en"})
    assert invalid.json()["detail"] == "Enter a domain name such as contoso.onmicrosoft.com."
    assert not Incident.objects.exists()


def test_a_topic_that_is_not_a_leaf_is_refused(api, azure, subscription, contract):
    body = azure_request(azure, subscription, contract, supportTopicId=azure["root"].pk)
    response = api.post("/serviceRequests", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "supportTopicId"


def test_an_invalid_phone_number_is_refused_with_the_forms_message(
    api, azure, subscription, contract
):
    contact = {**CONTACT, "phone": "12"}
    response = api.post(
        "/serviceRequests", azure_request(azure, subscription, contract, primaryContact=contact)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "primaryContact.phone"


# --- list, get, update -------------------------------------------------------------


@pytest.fixture
def three(api, azure, subscription, partner_user):
    contract = make_contract(partner_user.partner, register_to=partner_user, units=5)
    return [
        api.post("/serviceRequests", azure_request(azure, subscription, contract)).json()["number"]
        for _ in range(3)
    ]


def test_the_list_pages_with_a_cursor_newest_first(api, three):
    first = api.get("/serviceRequests", {"limit": 2}).json()
    assert [i["number"] for i in first["items"]] == three[::-1][:2]
    rest = api.get("/serviceRequests", {"limit": 2, "cursor": first["nextCursor"]}).json()
    assert [i["number"] for i in rest["items"]] == [three[0]] and rest["nextCursor"] is None


def test_the_list_filters_by_status(api, three):
    Incident.objects.filter(number=three[0]).update(status=Status.WAITING)
    waiting = api.get("/serviceRequests", {"status": "attentionNeeded"}).json()["items"]
    assert [i["number"] for i in waiting] == [three[0]]
    assert api.get("/serviceRequests", {"status": "closed"}).json()["items"] == []
    assert api.get("/serviceRequests", {"status": "bogus"}).status_code == 400
    assert api.get("/serviceRequests", {"cursor": "!!"}).status_code == 400


def test_another_partners_requests_are_neither_listed_nor_found(client, three, other_user):
    other = Api(client, issue(other_user))
    assert other.get("/serviceRequests").json()["items"] == []
    assert other.get(f"/serviceRequests/{three[0]}").status_code == 404
    response = other.patch(f"/serviceRequests/{three[0]}", {"newNote": "hi"})
    assert response.status_code == 404 and not Message.objects.exists()


def test_a_new_note_goes_through_the_partner_message_workflow(api, three):
    Incident.objects.filter(number=three[0]).update(status=Status.WAITING)
    response = api.patch(f"/serviceRequests/{three[0]}", {"newNote": "Logs attached."})
    assert response.status_code == 200
    body = response.json()
    assert [n["body"] for n in body["notes"]] == ["Logs attached."]
    # Waiting for the partner → work resumes, as when the partner writes on the page.
    assert body["portalStatus"] == Status.IN_PROGRESS


def test_the_partner_closes_an_open_request_and_a_refusal_writes_nothing(api, three):
    number = three[0]
    closed = api.patch(f"/serviceRequests/{number}", {"newNote": "Solved it", "status": "closed"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    incident = Incident.objects.get(number=number)
    assert incident.status == Status.CLOSED
    event = incident.history.get(kind=HistoryEvent.Kind.STATUS)
    assert (event.from_status, event.to_status) == (Status.SUBMITTED, Status.CLOSED)
    # Closed is final: a second close and a note with it are refused, nothing written.
    messages = Message.objects.count()
    refused = api.patch(f"/serviceRequests/{number}", {"newNote": "Bye", "status": "closed"})
    assert refused.status_code == 409
    assert Message.objects.count() == messages
    assert api.patch(f"/serviceRequests/{number}", {"status": "in_progress"}).status_code == 422


def test_support_topics_are_localised(api, azure):
    azure["leaf"].name_hu = "Nem lehet RDP-vel csatlakozni"
    azure["leaf"].save()
    topics = api.get("/supportTopics", headers={"Accept-Language": "hu"}).json()
    leaf = next(t for t in topics if t["id"] == azure["leaf"].pk)
    assert leaf["name"] == "Nem lehet RDP-vel csatlakozni" and leaf["canCreate"]
    advisory = next(t for t in topics if t["id"] == azure["advisory"].pk)
    assert advisory["routedTo"] == "partner_programme"


def test_contracts_list_the_callers_contracts_with_units_left(api, contract, other_user):
    make_contract(other_user.partner, register_to=other_user)
    rows = api.get("/contracts").json()
    assert [(r["contractId"], r["unitsRemaining"]) for r in rows] == [(contract.contract_id, 2)]
