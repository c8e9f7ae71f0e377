"""The incident pages from plain values and few joins (issue 21): what they show stays the same."""

import pytest
from django.test import Client
from django.urls import reverse

from contracts.models import Platform, ProductVersion
from incidents import workflow
from incidents.models import Incident
from partners.models import AzureSubscription
from tests.builders import make_product
from tests.incidents.test_workflow_builders import make_incident


@pytest.fixture
def engineer_client(engineer):
    client = Client()  # its own: partner_client uses the ``client`` fixture
    client.force_login(engineer)
    return client


@pytest.fixture
def onprem_incident(partner_user, partner):
    product = make_product("Windows Server", platform=Platform.ON_PREMISES, slug="windows-server")
    product.name_hu = "Windows Szerver"
    product.save()
    version = ProductVersion.objects.create(product=product, name="2019")
    subscription = AzureSubscription.objects.create(name="Contoso prod", owner_partner=partner)
    incident = make_incident(partner_user, product=product, title="Cluster fails over")
    Incident.objects.filter(pk=incident.pk).update(
        product_version=version, subscription=subscription
    )
    incident.refresh_from_db()
    return incident


def engineer_page(client, incident):
    return client.get(reverse("incidents:queue_detail", args=[incident.number])).content.decode()


def partner_page(client, incident):
    return client.get(reverse("incidents:manage_detail", args=[incident.number])).content.decode()


def test_product_version_and_subscription_cost_no_query_of_their_own(
    engineer_client, partner_client, onprem_incident, django_assert_num_queries
):
    engineer_page(engineer_client, onprem_incident)  # the catalogue is cached from now on
    # session, user; incident (its own columns: the version and the subscription are
    # drawn from cached fragments, like the thread, history, files, contacts); the
    # engineer-group answer is cached (partners/engineer_cache.py)
    with django_assert_num_queries(3):
        html = engineer_page(engineer_client, onprem_incident)
    assert "Windows Server 2019" in html and "Contoso prod" in html
    partner_page(partner_client, onprem_incident)
    # session, user with the partner; incident; colleagues (the version, subscription,
    # thread, history, files and contacts from their cached fragments)
    with django_assert_num_queries(4):
        html = partner_page(partner_client, onprem_incident)
    assert "Windows Server 2019" in html and "Contoso prod" in html


def test_the_product_is_named_in_the_readers_language(engineer_client, onprem_incident):
    engineer_client.cookies["django_language"] = "hu"
    html = engineer_page(engineer_client, onprem_incident)
    assert "Windows Szerver 2019" in html


def test_an_incident_without_product_shows_a_dash(engineer_client, partner_user):
    incident = make_incident(partner_user, product=None)
    html = engineer_page(engineer_client, incident)
    assert '<dt class="col-sm-3">Product</dt><dd class="col-sm-9">—</dd>' in html


def test_the_thread_names_authors_and_keeps_notes_from_partners(
    engineer_client, partner_client, partner_user, engineer, onprem_incident
):
    engineer.first_name, engineer.last_name = "Erik", "Engineer"
    engineer.save()
    workflow.take(onprem_incident, engineer=engineer)
    workflow.reply(onprem_incident, engineer=engineer, body="Please send the <logs>")
    workflow.add_note(onprem_incident, engineer=engineer, body="Known issue KB123")
    workflow.partner_message(onprem_incident, author=partner_user, body="Attached\nthem")
    html = engineer_page(engineer_client, onprem_incident)
    assert html.count('data-testid="message"') == 2 and html.count('data-testid="note"') == 1
    assert "Erik Engineer" in html and "Please send the &lt;logs&gt;" in html
    assert "Attached<br>them" in html and "Known issue KB123" in html
    assert html.count(">partner</span>") == 1 and html.count(">engineer</span>") == 2
    partner_html = partner_page(partner_client, onprem_incident)
    assert "Known issue KB123" not in partner_html and "internal note" not in partner_html
    assert partner_html.count('data-testid="message"') == 2


def test_an_invalid_field_is_marked_and_described_by_its_error(engineer_client, onprem_incident):
    url = reverse("incidents:queue_action", args=[onprem_incident.number, "reply"])
    response = engineer_client.post(url, {"body": "  "})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'class="form-control is-invalid"' in html and 'aria-invalid="true"' in html
    assert 'aria-describedby="id_body_error"' in html
    assert '<div id="id_body_error" class="invalid-feedback">' in html
    # The other forms on the page are not marked.
    assert html.count("is-invalid") == 1


def test_a_select_gets_bootstraps_select_class_and_help_text_is_linked(
    partner_client, onprem_incident, partner
):
    from tests.builders import make_user

    make_user(partner, username="dora", first_name="Dora")
    html = partner_page(partner_client, onprem_incident)
    assert 'aria-describedby="id_user_helptext" class="form-select" id="id_user"' in html
    assert '<div id="id_user_helptext" class="form-text">' in html


def test_the_history_labels_each_event_in_the_readers_words(
    engineer_client, partner_client, engineer, onprem_incident
):
    workflow.take(onprem_incident, engineer=engineer)
    workflow.change_status(onprem_incident, transition="start", actor=engineer)
    workflow.reply(onprem_incident, engineer=engineer, body="On it")
    workflow.add_note(onprem_incident, engineer=engineer, body="private")
    html = engineer_page(engineer_client, onprem_incident)
    history = html[html.index('data-testid="history"') :]
    assert "<strong>Status changed</strong>: Submitted → In progress" in history
    assert "<strong>First response</strong>" in history and "On time" in history
    assert "<strong>Internal note</strong>" in history
    partner_history = partner_page(partner_client, onprem_incident)
    partner_history = partner_history[partner_history.index('data-testid="history"') :]
    assert "Submitted → In progress" in partner_history
    assert "<strong>Internal note</strong>" not in partner_history
    engineer_client.cookies["django_language"] = "hu"
    assert "<strong>Állapot módosítva</strong>" in engineer_page(engineer_client, onprem_incident)


def test_the_unbound_forms_are_cached_per_language_and_errors_always_shown(
    engineer_client, onprem_incident
):
    assert "Reply to the partner" in engineer_page(engineer_client, onprem_incident)
    engineer_client.cookies["django_language"] = "hu"
    assert "Válasz a partnernek" in engineer_page(engineer_client, onprem_incident)
    engineer_client.cookies["django_language"] = "en"
    url = reverse("incidents:queue_action", args=[onprem_incident.number, "note"])
    html = engineer_client.post(url, {"body": ""}).content.decode()
    assert '<div id="note_body_error" class="invalid-feedback">' in html
    assert 'aria-describedby="note_body_error"' in html
    # The cached reply box next to it is the empty, unmarked one.
    assert html.count("is-invalid") == 1 and 'id="id_body"' in html
