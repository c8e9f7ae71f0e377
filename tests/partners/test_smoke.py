import datetime as dt

from incidents.services import IncidentDraft, submit_incident
from tests.builders import make_contract, make_product


def test_home_shows_eligibility_for_each_product(partner_client):
    response = partner_client.get("/")
    assert response.status_code == 200
    assert "Office 365" in response.content.decode()


def test_submit_incident_consumes_one_unit_and_sends_mail(
    partner_user, mailoutbox, django_capture_on_commit_callbacks
):
    contract = make_contract(partner_user.partner, units=1, register_to=partner_user)
    with django_capture_on_commit_callbacks(execute=True):
        incident = submit_incident(
            IncidentDraft(
                user=partner_user,
                channel="azure",
                title="VM down",
                description="It is down",
                severity="A",
                contact_name="Anna",
                contact_email="anna@example.com",
                product=make_product(),
                contract=contract,
            )
        )
    contract.refresh_from_db()
    assert contract.units_used == 1
    assert incident.number.startswith("SR-")
    assert incident.response_due_at - incident.created_at == dt.timedelta(hours=2)
    assert mailoutbox[0].to == ["anna@example.com"]
    assert incident.number in mailoutbox[0].subject
