"""The confirmation page after a wizard's Submit: what it shows, to whom, in how many queries."""

import pytest
from django.urls import reverse

from incidents.choices import RoutedTeam, Status
from incidents.models import Incident
from partners.models import Customer
from tests.builders import make_contract, make_user
from tests.incidents.test_workflow_builders import make_incident

# The session, the user (with the partner) and the incident with its contract and customer.
QUERIES = 3


def confirmation_url(incident):
    return reverse("incidents:confirmation", args=[incident.number])


@pytest.fixture
def anna_client(client, partner_user):
    client.force_login(partner_user)
    return client


def test_it_shows_the_number_title_severity_contract_and_customer_in_three_queries(
    anna_client, partner_user, partner, django_assert_num_queries
):
    contract = make_contract(partner, name="Signature Cloud", contract_id="CT00004242")
    customer = Customer.objects.create(name="Woodgrove Bank", tenant_domain="woodgrove.example")
    incident = make_incident(partner_user, title="Printer on fire", severity="A", is_24x7=True)
    Incident.objects.filter(pk=incident.pk).update(contract=contract, customer=customer)

    with django_assert_num_queries(QUERIES):
        html = anna_client.get(confirmation_url(incident)).content.decode()

    assert f'data-testid="incident-number">{incident.number}<' in html
    assert "Printer on fire" in html and "24/7" in html
    assert "Signature Cloud (CT00004242)" in html
    assert 'data-testid="customer">Woodgrove Bank<' in html
    assert partner_user.email in html  # "We have sent a confirmation to ..."


@pytest.mark.parametrize(
    ("status", "routed_to", "expected"),
    [
        (Status.ROUTED, RoutedTeam.BILLING, "Billing and subscription management"),
        (Status.REJECTED, "", "Not a supported product"),
    ],
)
def test_a_routed_or_rejected_request_says_why_without_another_query(
    anna_client, partner_user, status, routed_to, expected, django_assert_num_queries
):
    # Every field the page shows is in the page's one query: none is loaded afterwards.
    incident = make_incident(partner_user)
    Incident.objects.filter(pk=incident.pk).update(
        status=status, routed_to=routed_to, status_reason="Not a supported product"
    )

    with django_assert_num_queries(QUERIES):
        html = anna_client.get(confirmation_url(incident)).content.decode()

    assert expected in html


def test_it_is_not_shown_to_a_user_of_another_partner(client, partner_user, other_user):
    incident = make_incident(partner_user)
    client.force_login(other_user)

    assert client.get(confirmation_url(incident)).status_code == 404


def test_a_colleague_who_is_not_a_contact_gets_404(client, partner_user, partner):
    incident = make_incident(partner_user)
    client.force_login(make_user(partner, username="colleague"))

    assert client.get(confirmation_url(incident)).status_code == 404


def test_it_asks_a_visitor_to_sign_in(client, partner_user):
    incident = make_incident(partner_user)

    response = client.get(confirmation_url(incident))

    assert response.status_code == 302 and reverse("login") in response.url


def test_it_answers_get_only(anna_client, partner_user):
    incident = make_incident(partner_user)

    assert anna_client.post(confirmation_url(incident)).status_code == 405
