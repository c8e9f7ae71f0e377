"""Queue rows show the due time as the detail page does: one format, the zone, how far off."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from incidents import workflow
from incidents.clock import ResponseClock
from incidents.models import HistoryEvent
from incidents.templatetags.incident_tags import relative_due
from incidents.views import queue as queue_view
from incidents.views.queue_render import due_key
from tests.incidents.test_workflow_builders import make_incident, set_due

QUEUE = reverse("incidents:queue")


def test_a_row_says_how_far_off_its_due_time_is(engineer_client, partner_user):
    set_due(make_incident(partner_user, title="later"), minutes=25)
    set_due(make_incident(partner_user, title="late"), minutes=-125)
    html = engineer_client.get(QUEUE).content.decode()
    # The detail page's rule (incident_tags.relative_due), the same words.
    assert "overdue by 2\xa0hours" in html
    assert "in 24\xa0minutes" in html or "in 25\xa0minutes" in html


def test_a_row_shows_its_due_time_in_the_detail_pages_format_with_its_zone(
    engineer_client, partner_user, engineer
):
    engineer.time_zone = "Asia/Tokyo"
    engineer.save()
    incident = set_due(make_incident(partner_user), minutes=300)
    html = engineer_client.get(QUEUE).content.decode()
    with timezone.override("Asia/Tokyo"):
        local = timezone.localtime(incident.response_due_at)
        shown = formats.date_format(local, "DATETIME_FORMAT")
        short = formats.date_format(local, "SHORT_DATETIME_FORMAT")
    assert f'<time datetime="{local.isoformat()}">{shown}</time>' in html
    assert short not in html
    assert '<span class="small text-muted">(Asia/Tokyo)</span>' in html


def test_an_answered_row_shows_its_due_time_without_a_countdown(
    engineer_client, partner_user, engineer
):
    incident = set_due(make_incident(partner_user), minutes=-30)
    workflow.reply(incident, engineer=engineer, body="On it")
    html = engineer_client.get(QUEUE).content.decode()
    assert 'data-testid="row-due"' in html
    assert "overdue by" not in html


def test_the_cached_rows_follow_the_relative_due_time(engineer_client, partner_user, monkeypatch):
    set_due(make_incident(partner_user), minutes=300)
    assert "in 4\xa0hours" in engineer_client.get(QUEUE).content.decode()
    later = timezone.now() + dt.timedelta(hours=2)
    monkeypatch.setattr(queue_view.timezone, "now", lambda: later)
    html = engineer_client.get(QUEUE).content.decode()
    assert "in 2\xa0hours" in html and "in 4\xa0hours" not in html


def test_the_history_uses_the_detail_pages_date_format(engineer_client, partner_user, engineer):
    incident = make_incident(partner_user)
    workflow.take(incident, engineer=engineer)
    url = reverse("incidents:queue_detail", args=[incident.number])
    response = engineer_client.get(url)
    event = response.context["history"][-1]
    local = timezone.localtime(
        HistoryEvent.objects.filter(incident=incident).latest("pk").created_at
    )
    assert event["when"]["shown"] == formats.date_format(local, "DATETIME_FORMAT")
    assert event["when"]["shown"] in response.content.decode()


def _deltas():
    """Differences around every unit boundary of the relative text, and a spread between."""
    day, tiny = dt.timedelta(days=1), dt.timedelta(microseconds=1)
    units = [dt.timedelta(minutes=1), dt.timedelta(hours=1), day, dt.timedelta(weeks=1)]
    edges = [unit * count for unit in units for count in (1, 2, 3)]
    edges += [day * days for days in (27, 28, 29, 30, 31, 59, 61, 365, 366, 730)]
    for edge in edges:
        yield from (edge - tiny, edge, edge + tiny, edge + dt.timedelta(seconds=30))
    yield from (dt.timedelta(0), dt.timedelta(seconds=59))
    step = dt.timedelta(hours=7, minutes=7, seconds=13, microseconds=999)
    yield from (step * k for k in range(0, 3000, 7))


@pytest.mark.parametrize("language", ["en", "de", "ja"])
def test_the_rows_key_changes_whenever_a_rows_due_text_or_state_does(language):
    """due_key (the rows fragment's key part, beside the row's due time) stands for
    relative_due's text: for one due time, clocks with the same key show the same text
    and state, before and after the due time, across month ends and a leap day."""
    seen: dict = {}
    dues = [
        dt.datetime(2026, 1, 31, 23, 59, 59, 500_000, tzinfo=dt.UTC),
        dt.datetime(2028, 2, 29, 12, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 3, 0, 0, 0, 1, tzinfo=dt.UTC),
    ]
    with translation.override(language):
        for due in dues:
            for delta in _deltas():
                for clock in (ResponseClock(due_at=due, now=due - delta),
                              ResponseClock(due_at=due, now=due + delta)):  # fmt: skip
                    shown = (clock.state, relative_due(clock))
                    key = (due, due_key(clock))
                    assert seen.setdefault(key, shown) == shown, (clock, shown)
    assert len(seen) > 1000  # the boundaries and the spread were all tried
