"""The queue's search finds an incident by whatever an engineer remembers (issue 18).

Runs on SQLite (icontains) and on PostgreSQL (full-text with prefixes, trigram number).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents import workflow
from incidents.models import Incident
from partners.models import Customer
from tests.builders import make_partner, make_user
from tests.conftest import is_postgres
from tests.incidents.test_workflow_builders import make_incident

QUEUE = reverse("incidents:queue")


@pytest.fixture
def engineer_client(client, engineer):
    client.force_login(engineer)
    return client


@pytest.fixture
def target(partner_user):
    customer = Customer.objects.create(name="Tailspin Toys", tenant_domain="tailspin.example")
    make_incident(partner_user, title="Printer offline in Szeged", description="Toner empty")
    incident = make_incident(
        partner_user,
        title="SharePoint search returns nothing",
        description="Since the migration the crawler skips every library.",
        customer=customer,
        contact_name="Zsófia Kertész",
        contact_email="zsofia@fabrikam.example",
    )
    return incident


def found(client, text, **extra):
    response = client.get(QUEUE, {"q": text, "status": "", **extra})
    assert response.status_code == 200
    return [row.number for row in response.context["page"].rows]


@pytest.mark.parametrize(
    "text",
    [
        "SharePoint",
        "sharepoint crawler",  # words from the title and the description
        "Sharep",  # a prefix
        "Tailspin",  # the customer
        "zsofia@fabrikam.example",  # the contact's e-mail
        "Kertész",
    ],
)
def test_a_search_finds_the_incident_by_its_text_and_people(engineer_client, target, text):
    assert found(engineer_client, text) == [target.number]


def test_any_part_of_the_number_finds_it(engineer_client, target):
    tail = target.number[-6:]  # e.g. "000002"
    assert target.number in found(engineer_client, tail)
    assert found(engineer_client, target.number.lower()) == [target.number]


def test_the_partner_name_and_id_find_its_incidents(engineer_client, target, partner_user):
    other = make_incident(make_user(make_partner("Northwind Traders")), title="Other partner")
    partner = partner_user.partner
    by_name = found(engineer_client, partner.name.split()[0])
    assert target.number in by_name and other.number not in by_name
    assert target.number in found(engineer_client, partner.partner_number)
    assert found(engineer_client, "Northwind") == [other.number]


def test_a_message_in_the_thread_finds_it(engineer_client, target, engineer):
    workflow.take(target, engineer=engineer)
    workflow.reply(target, engineer=engineer, body="Please reindex the kangaroo library")
    assert found(engineer_client, "kangaroo") == [target.number]


def test_a_contact_added_later_finds_it(engineer_client, target, partner_user, engineer):
    colleague = make_user(partner_user.partner, first_name="Bartholomew", last_name="Quist")
    workflow.take(target, engineer=engineer)
    workflow.add_contact(target, user=colleague, actor=engineer)
    assert found(engineer_client, "Quist") == [target.number]


def test_nothing_unrelated_is_found_and_odd_input_is_harmless(engineer_client, target):
    assert found(engineer_client, "kangaroo") == []
    for text in ("'", "a & b | !c", "):*", "%", "_", "\\"):
        found(engineer_client, text)


def test_search_combines_with_the_other_filters(engineer_client, target):
    assert found(engineer_client, "SharePoint", severity="A") == []
    assert found(engineer_client, "SharePoint", severity=target.severity) == [target.number]


def test_the_best_match_comes_first(engineer_client, partner_user, target):
    make_incident(partner_user, title="Outlook", description="SharePoint link in a mail")
    assert found(engineer_client, "SharePoint")[0] == target.number


def test_a_search_runs_as_many_queries_as_the_plain_queue(engineer_client, target):
    with CaptureQueriesContext(connection) as plain:
        engineer_client.get(QUEUE)
    with CaptureQueriesContext(connection) as searched:
        engineer_client.get(QUEUE, {"q": "SharePoint"})
    assert len(searched) <= len(plain)


@pytest.mark.skipif(not is_postgres(), reason="PostgreSQL full-text search")
def test_postgres_keeps_a_search_vector_and_matches_it(target):
    target.refresh_from_db()
    assert "sharepoint" in str(target.search_vector).lower()
    target.title = "Teams meeting drops"
    target.save()
    assert Incident.objects.search("Teams").filter(pk=target.pk).exists()
    assert not Incident.objects.search("SharePoint crawler").exclude(pk=target.pk).exists()
