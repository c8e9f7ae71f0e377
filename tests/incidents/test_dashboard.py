"""The dashboard: four charts from a few aggregate queries, each with its table (issue 18)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents import workflow
from incidents.dashboard import dashboard
from tests.incidents.test_workflow_builders import make_incident, set_due

URL = reverse("incidents:dashboard")
SLUGS = ("open", "attainment", "overdue", "units")


@pytest.fixture
def data(partner_user, engineer):
    a = set_due(make_incident(partner_user, severity="A", title="Down"), minutes=-90)
    b = make_incident(partner_user, severity="B")
    workflow.take(b, engineer=engineer)
    workflow.change_status(b, transition="start", actor=engineer)
    answered = make_incident(partner_user, severity="C")
    workflow.take(answered, engineer=engineer)
    workflow.reply(answered, engineer=engineer, body="On it")
    return a, b, answered


def table(html, slug):
    start = html.index(f'data-testid="table-{slug}"')
    return html[start : html.index("</table>", start)]


def test_the_figures_count_what_is_open_overdue_answered_and_consumed(data, engineer):
    charts = {chart.slug: chart for chart in dashboard(engineer)}
    open_chart = charts["open"]
    assert open_chart.total == 3
    by_severity = {g.label: g.values for g in open_chart.groups}
    assert by_severity["Severity A"] == [1, 0, 0]  # submitted, in progress, waiting
    assert by_severity["Severity B"] == [0, 1, 0]
    assert charts["overdue"].total == 1
    assert {g.label: g.values for g in charts["overdue"].groups}["Severity A"] == [1, 0]
    attainment = charts["attainment"]
    assert len(attainment.groups) == 12
    assert attainment.totals == [0, 1]  # "Down" is past due with no answer; nothing else due yet
    units = charts["units"]
    assert len(units.groups) == 12 and units.total == sum(1 for i in data if i.unit_consumed)


def test_an_answer_in_time_counts_as_met(partner_user, engineer):
    incident = make_incident(partner_user)
    workflow.take(incident, engineer=engineer)
    workflow.reply(incident, engineer=engineer, body="Hello")
    incident.refresh_from_db()
    later = incident.response_due_at + dt.timedelta(minutes=1)
    attainment = {c.slug: c for c in dashboard(engineer, now=later)}["attainment"]
    assert attainment.totals == [1, 0]


def test_the_page_shows_four_svg_charts_each_with_its_table(
    client, engineer, data, django_assert_max_num_queries
):
    client.force_login(engineer)
    with django_assert_max_num_queries(9):
        response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for slug in SLUGS:
        assert f'data-testid="chart-{slug}"' in html
        assert "<th" in table(html, slug)
    assert '<svg viewBox="0 0 640 290"' in html and "<rect" in html
    assert "<script" not in html.split("<main", 1)[-1].split("</main>")[0]
    assert re.search(r"<th scope=\"row\">Severity A</th><td class=\"text-end\">1</td>", html)


@pytest.mark.parametrize("language", ["en", "hu", "cs", "ja", "ko"])
def test_the_dashboard_renders_in_every_language(client, engineer, data, language):
    engineer.language = language
    engineer.save()
    client.force_login(engineer)
    client.cookies["django_language"] = language
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'lang="{language}"' in html
    for slug in SLUGS:
        assert f'data-testid="chart-{slug}"' in html and f'data-testid="table-{slug}"' in html
    if language != "en":
        assert "Open incidents by severity and status" not in html


def test_staff_may_open_it_and_partners_may_not(client, staff, partner_client, data):
    assert partner_client.get(URL).status_code == 403
    client.force_login(staff)
    assert client.get(URL).status_code == 200


def test_an_empty_programme_draws_empty_charts(client, engineer):
    client.force_login(engineer)
    html = client.get(URL).content.decode()
    assert html.count("<svg viewBox") == 4
    assert timezone.now()


@pytest.mark.parametrize(
    ("largest", "ticks"),
    [(0, [0, 1]), (1, [0, 1]), (2, [0, 1, 2]), (3, [0, 1, 2, 3, 4, 5]), (7, [0, 2, 4, 6, 8, 10])],
)
def test_the_gridlines_are_whole_numbers_that_divide_the_scale_evenly(largest, ticks):
    from incidents.dashboard import Chart, Group, Series
    from incidents.templatetags.incident_tags import bar_chart

    chart = Chart("t", "T", [Series("a", "#000")], [Group("g", [largest])])
    drawn = bar_chart(chart)["ticks"]
    assert [tick["value"] for tick in drawn] == ticks
    assert drawn[-1]["y"] < drawn[0]["y"]  # the largest at the top


def test_a_chart_scrolls_sideways_in_its_own_box_on_a_phone(client, engineer, data):
    client.force_login(engineer)
    html = client.get(URL).content.decode()
    assert html.count('<div class="chart-scroll" tabindex="0"') == 4


def test_the_counts_are_cached_for_a_minute_and_the_page_says_when_they_were_counted(
    client, engineer, staff, partner_user, django_assert_max_num_queries
):
    make_incident(partner_user, severity="A")
    client.force_login(engineer)
    first = client.get(URL).content.decode()
    make_incident(partner_user, severity="A")  # counted at the next refresh

    # session, user (the engineer-group answer is cached); no figure
    with django_assert_max_num_queries(3):
        again = client.get(URL).content.decode()
    assert "Counted at" in first
    assert table(again, "open") == table(first, "open")
    client.force_login(staff)  # staff see every incident too: the same counts
    assert table(client.get(URL).content.decode(), "open") == table(first, "open")

    from django.core.cache import cache

    cache.clear()
    refreshed = client.get(URL).content.decode()
    assert re.search(r"Severity A</th><td class=\"text-end\">2</td>", refreshed)


def test_counts_are_cached_per_time_zone(client, engineer, partner_user):
    from django.core.cache import cache

    from incidents.dashboard import cache_key

    make_incident(partner_user)
    client.force_login(engineer)
    client.get(URL)
    engineer.time_zone = "Asia/Tokyo"
    engineer.save()
    html = client.get(URL).content.decode()
    assert "Weeks and months in Asia/Tokyo" in html
    assert cache.get(cache_key("UTC")) is not None
    assert cache.get(cache_key("Asia/Tokyo")) is not None


def test_a_partner_s_counts_are_never_cached_for_others(partner_user, engineer):
    from django.core.cache import cache

    from incidents.dashboard import counts_for

    make_incident(partner_user)
    assert counts_for(partner_user).open and cache.get(cache_key_utc()) is None
    assert counts_for(engineer).open and cache.get(cache_key_utc()) is not None


def cache_key_utc():
    from incidents.dashboard import cache_key

    return cache_key("UTC")


@pytest.mark.parametrize("language", ["hu", "cs", "en"])
def test_the_chart_geometry_is_written_with_a_decimal_point_in_every_language(
    client, engineer, data, language
):
    engineer.language = language
    engineer.save()
    client.force_login(engineer)
    html = client.get(URL).content.decode()
    attributes = re.findall(r' (?:x|y|x1|x2|y1|y2|width|height)="([^"]*)"', html)
    assert attributes and all(re.fullmatch(r"-?\d+(\.\d+)?", value) for value in attributes), {
        value for value in attributes if "," in value
    }
