"""Issue 18, "How it is checked", on the demo data as the engineer demo user would do it:
search finds a demo incident by a word of its title, part of its number and its
customer's name on the first page; every demo incident's page shows no raw key, no ISO
timestamp and no duplicate id; the dashboard shows its four charts and their tables in
every language. Runs on SQLite (the fallback search) and on PostgreSQL (full text)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from incidents.models import Incident
from partners.models import User
from tests.demo.test_load_demo import demo, demo_output  # noqa: F401 - fixtures
from tests.i18n.compiled import compile_catalogues
from tests.i18n.test_untranslated_pages import english_left
from tests.security.test_unique_ids import duplicate_ids

QUEUE = reverse("incidents:queue")
DASHBOARD = reverse("incidents:dashboard")
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
SLUGS = ("open", "attainment", "overdue", "units")


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A page rendered in Korean leaves Korean active in this thread: not for the next test."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def engineer_client(client, demo):  # noqa: F811
    client.force_login(User.objects.get(username="engineer"))
    return client


def first_page(client, query: str) -> str:
    response = client.get(QUEUE, {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def queue_link(incident: Incident) -> str:
    return reverse("incidents:queue_detail", args=[incident.number])


def every_demo_incident():
    return list(Incident.objects.select_related("customer").order_by("number"))


def test_every_demo_incident_is_found_by_a_title_word_and_part_of_its_number(
    engineer_client,
):
    for incident in every_demo_incident():
        word = max(re.findall(r"\w+", incident.title), key=len)
        assert queue_link(incident) in first_page(engineer_client, word), (incident.title, word)
        part = incident.number[-6:]
        assert queue_link(incident) in first_page(engineer_client, part), incident.number


def test_a_demo_incident_is_found_by_its_customer_s_name_alone(engineer_client):
    with_customer = [i for i in every_demo_incident() if i.customer_id]
    # A customer the incident's own text does not name: only the customer link finds it.
    unnamed = [
        i
        for i in with_customer
        if i.customer.name.split()[0].lower() not in f"{i.title} {i.description}".lower()
    ]
    assert unnamed, "the demo needs an incident whose text does not name its customer"
    for incident in with_customer:
        html = first_page(engineer_client, incident.customer.name)
        assert queue_link(incident) in html, incident.customer.name


def test_a_search_that_matches_nothing_shows_no_demo_incident(engineer_client):
    html = first_page(engineer_client, "zzqxnotaword")
    assert not any(queue_link(i) in html for i in every_demo_incident())


def visible(html: str) -> str:
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"<[^>]+>", " ", html)


def fact_labels(html: str) -> list[str]:
    facts = html[html.index('data-testid="engineer-facts"') :]
    facts = facts[: facts.index("</dl>")]
    return [" ".join(label.split()) for label in re.findall(r"<dt[^>]*>(.*?)</dt>", facts, re.S)]


def test_every_demo_incident_page_shows_labelled_facts_no_iso_time_and_unique_ids(
    engineer_client,
):
    for incident in every_demo_incident():
        response = engineer_client.get(queue_link(incident))
        assert response.status_code == 200, incident.number
        html = response.content.decode()
        labels = fact_labels(html)
        for key in incident.facts:
            assert key not in labels and f">{key}<" not in html, (incident.number, key)
        assert not any("_" in label for label in labels), (incident.number, labels)
        text = visible(html)
        assert not ISO.search(text), (incident.number, ISO.search(text))
        assert duplicate_ids(html) == [], incident.number


@pytest.mark.parametrize("language", ["en", "hu", "cs", "ja", "ko"])
def test_the_dashboard_shows_four_charts_and_tables_in_every_language(engineer_client, language):
    compile_catalogues()
    engineer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = engineer_client.get(DASHBOARD)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'lang="{language}"' in html
    assert html.count("<svg viewBox") == 4
    for slug in SLUGS:
        assert html.count(f'data-testid="chart-{slug}"') == 1, slug
        assert html.count(f'data-testid="table-{slug}"') == 1, slug
    assert html.count("<table") == 4
    if language != "en":
        assert english_left(html, language) == []
    assert duplicate_ids(html) == []
