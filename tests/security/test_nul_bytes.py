"""NUL bytes never reach the database (issue 14): PostgreSQL rejects them, so a
NUL anywhere in a request is answered 400 by ``portal.hostile`` (or 404 by the
resolver) before a query runs."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from .helpers import row_counts

PATHS = [
    "/incidents/manage/SR%00/",
    "/incidents/submitted/%00/",
    "/incidents/queue/%00/",
    "/incidents/queue/%00/take/",
    "/incidents/manage/%00/message/",
    "/contracts/activation/1%00/sent/",
    "/%00",
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("who", ["anonymous", "partner", "engineer"])
def test_a_nul_in_the_path_is_refused(client, partner_user, engineer, path, who):
    if who != "anonymous":
        client.force_login(partner_user if who == "partner" else engineer)
    before = row_counts()
    assert client.get(path).status_code in (400, 404)
    assert client.post(path).status_code in (400, 403, 404)
    assert row_counts() == before


def test_a_nul_in_the_query_string_is_refused(partner_client):
    assert partner_client.get("/incidents/manage/?q=a%00b").status_code == 400
    assert partner_client.get("/incidents/manage/?a%00=1").status_code == 400


def test_a_nul_in_a_form_field_is_refused_and_writes_nothing(partner_client):
    before = row_counts()
    response = partner_client.post(
        "/contracts/register/", {"access_id": "A\x00", "contract_id": "C"}
    )
    assert response.status_code == 400
    assert b"Bad request" in response.content
    assert row_counts() == before


def test_a_nul_in_a_field_name_or_file_name_is_refused(partner_client):
    assert partner_client.post("/contracts/register/", {"a\x00": "1"}).status_code == 400
    upload = SimpleUploadedFile("trace\x00.txt", b"log", content_type="text/plain")
    assert partner_client.post("/profile/", {"file": upload}).status_code == 400


def test_a_nul_in_a_cookie_is_refused(client, partner_user):
    client.force_login(partner_user)
    client.cookies["portal_x"] = "a\x00b"
    assert client.get("/").status_code == 400


def test_ordinary_requests_pass(partner_client):
    assert partner_client.get("/incidents/manage/?q=Exchange").status_code == 200
