"""CSP customers' requests and attachments through the API."""

from __future__ import annotations

import pytest

from incidents.models import Attachment, Incident
from incidents.services import IncidentDraft, submit_incident
from partners.models import AzureSubscription, CspRole, Customer, CustomerPartner
from tests.api.conftest import CONTACT, Api, issue


def make_customer(partner, name="Woodgrove Bank", relationship="provider"):
    customer = Customer.objects.create(name=name, tenant_domain="woodgrove.onmicrosoft.com")
    CustomerPartner.objects.create(customer=customer, partner=partner, relationship=relationship)
    return customer


@pytest.fixture
def csp_partner(partner):
    partner.csp_role = CspRole.DIRECT_PROVIDER
    partner.save()
    return partner


def csp_body(**overrides):
    body = {
        "title": "Licences not assigned",
        "description": "New users get no mailbox.",
        "severity": "B",
        "service": "office365",
        "primaryContact": CONTACT,
    }
    body.update(overrides)
    return body


def test_a_csp_partner_raises_a_request_for_its_customer(api, csp_partner):
    customer = make_customer(csp_partner)
    response = api.post(f"/customers/{customer.pk}/serviceRequests", csp_body())
    assert response.status_code == 201, response.content
    incident = Incident.objects.get()
    assert incident.channel == "csp" and incident.customer == customer
    listed = api.get(f"/customers/{customer.pk}/serviceRequests").json()["items"]
    assert [i["number"] for i in listed] == [incident.number]


def test_the_idempotency_key_works_for_customer_requests_too(api, csp_partner):
    customer = make_customer(csp_partner)
    url = f"/customers/{customer.pk}/serviceRequests"
    first = api.post(url, csp_body(), headers={"Idempotency-Key": "a"})
    again = api.post(url, csp_body(), headers={"Idempotency-Key": "a"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert Incident.objects.count() == 1


def test_a_partner_without_a_csp_role_is_refused(api, partner):
    customer = make_customer(partner)
    response = api.post(f"/customers/{customer.pk}/serviceRequests", csp_body())
    assert response.status_code == 403
    assert "Cloud Solution Provider" in response.json()["detail"]
    assert not Incident.objects.exists()


def test_another_partners_customer_is_not_found(api, csp_partner, other_partner):
    foreign = make_customer(other_partner, name="Tailspin")
    assert api.post(f"/customers/{foreign.pk}/serviceRequests", csp_body()).status_code == 404
    assert api.get(f"/customers/{foreign.pk}/serviceRequests").status_code == 404
    assert not Incident.objects.exists()


def test_the_partners_own_tenant_is_refused(api, csp_partner):
    customer = make_customer(csp_partner)
    own = AzureSubscription.objects.create(name="Own", owner_partner=csp_partner)
    response = api.post(
        f"/customers/{customer.pk}/serviceRequests",
        csp_body(service="azure", azureSubscriptionId=str(own.subscription_id)),
    )
    assert response.status_code == 422
    assert "own partner tenant" in response.json()["detail"]
    assert not Incident.objects.exists()


def test_an_azure_customer_request_needs_the_customers_subscription(api, csp_partner):
    customer = make_customer(csp_partner)
    url = f"/customers/{customer.pk}/serviceRequests"
    assert api.post(url, csp_body(service="azure")).status_code == 422
    theirs = AzureSubscription.objects.create(
        name="Prod", owner_customer=customer, provider=csp_partner
    )
    response = api.post(
        url, csp_body(service="azure", azureSubscriptionId=str(theirs.subscription_id))
    )
    assert response.status_code == 201
    assert Incident.objects.get().subscription == theirs


def test_the_customers_address_is_refused_as_contact(api, csp_partner):
    customer = make_customer(csp_partner)
    contact = {**CONTACT, "email": "it@woodgrove.onmicrosoft.com"}
    response = api.post(
        f"/customers/{customer.pk}/serviceRequests", csp_body(primaryContact=contact)
    )
    assert response.status_code == 422
    assert "not the customer" in response.json()["detail"]


# --- attachments ---------------------------------------------------------------------


@pytest.fixture
def incident(partner_user):
    return submit_incident(
        IncidentDraft(
            user=partner_user,
            channel="office365",
            title="Mail flow stopped",
            description="No mail since 9:00",
            severity="B",
            contact_name="Anna",
            contact_email=partner_user.email,
        )
    )


def upload(client, secret, number, *files):
    return client.post(
        f"/api/v1/serviceRequests/{number}/attachments",
        {"files": list(files)},
        headers={"Authorization": f"Bearer {secret}"},
    )


def text_file(name="trace.txt", content=b"log line\n"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/plain")


def test_a_file_is_attached_and_downloaded_by_the_requests_contacts(client, write_secret, incident):
    response = upload(client, write_secret, incident.number, text_file())
    assert response.status_code == 201, response.content
    item = response.json()[0]
    assert item["fileName"] == "trace.txt"
    download = client.get(item["downloadUrl"], headers={"Authorization": f"Bearer {write_secret}"})
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == b"log line\n"


def test_a_file_the_wizards_refuse_is_refused_with_their_message(client, write_secret, incident):
    response = upload(client, write_secret, incident.number, text_file("run.exe", b"MZ\x00\x01"))
    assert response.status_code == 422
    assert "not accepted" in response.json()["detail"]
    assert not Attachment.objects.exists()


def test_another_partner_can_neither_attach_nor_download(
    client, incident, other_user, write_secret
):
    saved = upload(client, write_secret, incident.number, text_file()).json()[0]
    other = issue(other_user)
    assert upload(client, other, incident.number, text_file()).status_code == 404
    response = client.get(saved["downloadUrl"], headers={"Authorization": f"Bearer {other}"})
    assert response.status_code == 404
    assert Attachment.objects.count() == 1


def test_a_read_token_cannot_attach(client, read_secret, incident):
    assert upload(client, read_secret, incident.number, text_file()).status_code == 403
    assert not Attachment.objects.exists()


def test_a_download_without_a_token_is_refused(client, incident, write_secret):
    saved = upload(client, write_secret, incident.number, text_file()).json()[0]
    assert Api(client).get(saved["downloadUrl"].removeprefix("/api/v1")).status_code == 401
