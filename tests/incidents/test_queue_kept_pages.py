"""The queue keeps a keyset page's rows a few seconds (incidents/views/queue.py, PAGE_TTL):
a change made in this process shows at once, one made elsewhere within PAGE_TTL."""

import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents import workflow
from incidents.models import Incident
from incidents.views import queue as queue_view
from portal.lib.caching import generation
from tests.builders import make_engineer
from tests.incidents.test_workflow_builders import make_incident

QUEUE = reverse("incidents:queue")


@pytest.fixture
def incident(partner_user):
    return make_incident(partner_user, title="Mail is slow")


def get(client, url=QUEUE):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(ctx)


def kept(client, url=QUEUE) -> str:
    """The page, read twice: the second time from the kept rows (two queries)."""
    get(client, url)
    html, queries = get(client, url)
    assert queries == 2  # session and user only
    return html


def test_an_incident_changed_here_shows_at_once(engineer_client, incident):
    assert "Mail is slow" in kept(engineer_client)
    incident.title = "Mail is very slow"
    incident.save(update_fields=["title"])
    html, queries = get(engineer_client)
    assert "Mail is very slow" in html and queries == 3


def test_a_new_a_closed_and_a_deleted_incident_show_at_once(
    engineer_client, partner_user, incident, engineer
):
    kept(engineer_client)
    other = make_incident(partner_user, title="Teams drops calls")
    assert "Teams drops calls" in get(engineer_client)[0]
    kept(engineer_client)
    workflow.reject(incident, actor=engineer, reason="Not ours")  # no longer open
    assert "Mail is slow" not in get(engineer_client)[0]
    kept(engineer_client)
    other.delete()
    assert "Teams drops calls" not in get(engineer_client)[0]


def test_a_renamed_partner_product_or_owner_shows_at_once(engineer_client, incident, engineer):
    workflow.take(incident, engineer=engineer)
    kept(engineer_client)
    engineer.first_name, engineer.last_name = "Erika", "Ng"
    engineer.save()
    assert "Erika Ng" in get(engineer_client)[0]
    kept(engineer_client)
    incident.partner.name = "Contoso Renamed"
    incident.partner.save()
    assert "Contoso Renamed" in get(engineer_client)[0]
    kept(engineer_client)
    incident.product.name = "Office 365 Renamed"
    incident.product.save()
    assert "Office 365 Renamed" in get(engineer_client)[0]


def test_a_change_made_elsewhere_shows_within_the_ttl(engineer_client, incident, monkeypatch):
    assert "Mail is slow" in kept(engineer_client)
    # An update that sends no signal, as another worker's change reaches this one.
    Incident.objects.filter(pk=incident.pk).update(title="Changed elsewhere")
    assert "Changed elsewhere" not in get(engineer_client)[0]
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + queue_view.PAGE_TTL + 0.01)
    html, queries = get(engineer_client)
    assert "Changed elsewhere" in html and queries == 3


def test_the_rows_are_dropped_again_when_the_change_commits(
    incident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        incident.title = "Inside a transaction"
        incident.save(update_fields=["title"])
        # Another thread reads the queue before the commit: a version for its old rows.
        before_commit = generation(queue_view.PAGES_VERSION_KEY)
    assert cache.get(queue_view.PAGES_VERSION_KEY) is None
    assert generation(queue_view.PAGES_VERSION_KEY) != before_commit


@pytest.mark.parametrize("query", ["?due=overdue", "?due=soon", "?q=slow", "?q=slow&sort=due"])
def test_searches_and_due_filters_are_read_every_time(engineer_client, incident, query):
    get(engineer_client, QUEUE + query)
    assert get(engineer_client, QUEUE + query)[1] >= 3


def test_each_engineer_gets_their_own_my_incidents(engineer_client, client, incident, engineer):
    workflow.take(incident, engineer=engineer)
    assert "Mail is slow" in kept(engineer_client, QUEUE + "?owner=me")
    client.logout()
    client.force_login(make_engineer("second"))
    assert "Mail is slow" not in get(client, QUEUE + "?owner=me")[0]
