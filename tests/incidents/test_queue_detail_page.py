"""The engineer's incident page reads at a glance: labelled facts, one due time (issue 18)."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from incidents import workflow
from incidents.models import Incident
from incidents.templatetags.incident_tags import relative_due
from tests.incidents.test_workflow_builders import make_incident, set_due

ISO = re.compile(r">[^<]*\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@pytest.fixture
def engineer_client(client, engineer):
    engineer.time_zone = "Europe/Budapest"
    engineer.save()
    client.force_login(engineer)
    return client


@pytest.fixture
def office_incident(partner_user):
    incident = make_incident(partner_user, title="Mail flow stopped")
    incident.facts = {
        "tenant_domain": "northwind.onmicrosoft.com",
        "users_affected": 120,
        "started_at": "2026-12-01T08:30:00+01:00",
        "what_tried": "Restarted Outlook",
    }
    incident.save(update_fields=["facts"])
    return set_due(incident, minutes=25)


def page(client, incident):
    response = client.get(reverse("incidents:queue_detail", args=[incident.number]))
    assert response.status_code == 200
    return response.content.decode()


def test_every_fact_has_its_label_and_no_raw_key_or_iso_time_shows(
    engineer_client, office_incident
):
    html = page(engineer_client, office_incident)
    for key in ("tenant_domain", "users_affected", "started_at", "what_tried"):
        assert f">{key}<" not in html, key
    for label in ("Tenant domain", "Users affected", "Problem started", "What was tried"):
        assert label in html, label
    assert not ISO.search(html), ISO.search(html).group(0)
    # 08:30 in UTC+1 is 08:30 in Budapest too: shown as local time, not as the stored text
    assert "8:30 a.m." in html


def test_one_due_time_with_its_zone_and_how_far_off(engineer_client, office_incident):
    html = page(engineer_client, office_incident)
    assert html.count('data-testid="due"') == 1
    assert "(Europe/Budapest)" in html
    assert re.search(r"in (24|25)\xa0minutes", html)  # timeuntil: no-break space
    assert "due by" not in html


def test_an_overdue_incident_says_by_how_much(engineer_client, office_incident):
    set_due(office_incident, minutes=-125)
    html = page(engineer_client, office_incident)
    assert "First response overdue" in html
    assert "overdue by 2\xa0hours" in html


def test_the_relative_due_time_is_translated(office_incident):
    from django.utils import translation

    clock = office_incident.response_clock(office_incident.response_due_at - dt.timedelta(hours=3))
    with translation.override("hu"):
        text = relative_due(clock)
    assert "3" in text and "hours" not in text


def test_the_reply_and_the_note_boxes_have_their_own_ids(engineer_client, office_incident):
    html = page(engineer_client, office_incident)
    assert html.count('id="id_body"') == 1
    assert 'for="note_body"' in html and 'id="note_body"' in html


def test_an_invalid_note_is_shown_again_in_the_note_box(engineer_client, office_incident):
    url = reverse("incidents:queue_action", args=[office_incident.number, "note"])
    response = engineer_client.post(url, {"body": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="note_body"' in html and html.count('id="id_body"') == 1


def test_a_rejected_request_shows_no_due_time_to_the_partner(
    partner_client, office_incident, engineer
):
    workflow.reject(office_incident, actor=engineer, reason="Out of scope")
    html = partner_client.get(
        reverse("incidents:manage_detail", args=[office_incident.number])
    ).content.decode()
    assert "First response due" not in html and "due by" not in html


def test_a_status_change_reads_without_a_stray_space(engineer_client, office_incident, engineer):
    workflow.take(office_incident, engineer=engineer)
    office_incident.refresh_from_db()
    workflow.change_status(office_incident, transition="start", actor=engineer)
    html = page(engineer_client, Incident.objects.get(pk=office_incident.pk))
    assert "Status changed</strong>:" in html
    assert "Status changed</strong> :" not in html and "Status changed</strong>\n" not in html
    assert "Times in Europe/Budapest" in html


def test_a_fact_stored_as_a_code_shows_its_label(engineer_client, office_incident):
    office_incident.facts = {"request_type": "non_technical", "odd_new_key": "x"}
    office_incident.save(update_fields=["facts"])
    html = page(engineer_client, office_incident)
    assert "Non-technical: billing or subscription management" in html
    assert "Odd new key" in html and "odd_new_key" not in html
