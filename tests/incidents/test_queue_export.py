"""The filtered queue as CSV: streamed, every match, formula injection neutralised."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from incidents.views.queue_export import csv_safe
from tests.incidents.test_workflow_builders import make_incident

EXPORT = reverse("incidents:queue_export")


def rows(response):
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_a_spreadsheet_would_run_gets_a_leading_quote(start):
    assert csv_safe(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"
    assert csv_safe("Plain 1+1") == "Plain 1+1"
    assert csv_safe(None) == ""


def test_the_export_streams_every_filtered_incident_with_a_header(engineer_client, partner_user):
    for i in range(30):  # more than a page
        make_incident(partner_user, title=f"Row {i}", severity="B")
    make_incident(partner_user, title="Severity C one", severity="C")
    response = engineer_client.get(EXPORT, {"severity": "B", "status": ""})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="incidents-')
    table = rows(response)
    assert table[0][0] == "Number" and "Response due (UTC)" in table[0][9]
    assert len(table) == 31
    assert all(row[5] == "B" for row in table[1:])


def test_a_title_written_as_a_formula_is_exported_as_text(engineer_client, partner_user):
    make_incident(partner_user, title='=HYPERLINK("http://evil.example","x")')
    table = rows(engineer_client.get(EXPORT, {"status": ""}))
    assert table[1][1] == '\'=HYPERLINK("http://evil.example","x")'


def test_the_export_follows_the_search(engineer_client, partner_user):
    make_incident(partner_user, title="Kangaroo printer")
    make_incident(partner_user, title="Other")
    table = rows(engineer_client.get(EXPORT, {"q": "kangaroo", "status": ""}))
    assert [row[1] for row in table[1:]] == ["Kangaroo printer"]


def test_bad_filters_get_a_400(engineer_client):
    assert engineer_client.get(EXPORT, {"status": "nonsense"}).status_code == 400


def test_a_partner_user_gets_a_403(partner_client):
    assert partner_client.get(EXPORT).status_code == 403


def test_the_queue_links_the_export_with_its_filters(engineer_client, partner_user):
    make_incident(partner_user)
    html = engineer_client.get(reverse("incidents:queue"), {"severity": "B"}).content.decode()
    assert f'href="{EXPORT}?severity=B"' in html
