"""The shared guard of the incident wizards (portal.lib.wizards.GuardedPostMixin)."""

import pytest
from django.urls import reverse

from incidents.models import Incident

WIZARDS = [
    ("incidents:office365", "office365_wizard", "attach"),
    ("incidents:azure", "azure_incident_wizard", "details"),
    ("incidents:business", "business_wizard", "review"),
]


@pytest.mark.parametrize(("url", "prefix", "last"), WIZARDS)
def test_a_forged_step_is_a_bad_request(partner_client, url, prefix, last):
    response = partner_client.post(reverse(url), {f"{prefix}-current_step": "no-such-step"})
    assert response.status_code == 400
    assert not Incident.objects.exists()


@pytest.mark.parametrize(("url", "prefix", "last"), WIZARDS)
def test_missing_management_data_is_a_bad_request(partner_client, url, prefix, last):
    assert partner_client.post(reverse(url), {"title": "x"}).status_code == 400


@pytest.mark.parametrize(("url", "prefix", "last"), WIZARDS)
def test_the_last_step_posted_in_a_fresh_session_creates_nothing(partner_client, url, prefix, last):
    response = partner_client.post(reverse(url), {f"{prefix}-current_step": last}, follow=True)
    assert response.status_code == 200
    assert "please start again" in response.content.decode()
    assert not Incident.objects.exists()
