"""Security headers and deployment (issue 9 §5)."""

import re

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path

NONCE = re.compile(r"'nonce-([A-Za-z0-9+/=_-]+)'")


def _boom(request):
    raise RuntimeError("secret internal detail 12345")


def _ok(request):
    return HttpResponse("ok")


urlpatterns = [path("boom/", _boom), path("ok/", _ok)]


def csp_nonce(response) -> str:
    header = response["Content-Security-Policy"]
    match = NONCE.search(header)
    assert match, header
    return match.group(1)


@pytest.mark.parametrize("url", ["/", "/admin/"])
def test_app_and_admin_pages_send_a_csp_with_a_fresh_nonce(client, staff, url):
    client.force_login(staff)
    first, second = client.get(url), client.get(url)
    assert first.status_code == 200
    header = first["Content-Security-Policy"]
    assert "default-src 'self'" in header
    assert "object-src 'none'" in header
    assert "frame-ancestors 'none'" in header
    assert "unsafe-inline" not in header
    assert csp_nonce(first) != csp_nonce(second)


def test_every_script_tag_on_a_page_carries_the_response_nonce(partner_client):
    response = partner_client.get("/")
    nonce = csp_nonce(response)
    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    assert scripts
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag, tag


def test_pages_send_the_hardening_headers(partner_client):
    response = partner_client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_session_and_csrf_cookies_are_http_only(client, partner_user):
    client.get("/accounts/login/")
    client.post("/accounts/login/", {"username": partner_user.username, "password": "x"})
    response = client.post(
        "/accounts/login/",
        {"username": partner_user.username, "password": "correct-horse-battery-9"},
    )
    assert response.cookies["sessionid"]["httponly"]


@override_settings(ROOT_URLCONF="tests.security.test_headers", DEBUG=False)
def test_a_forced_error_shows_a_generic_500_page(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "secret internal detail" not in body
    assert "Traceback" not in body
    assert "RuntimeError" not in body


def test_csrf_protection_is_on(partner_user):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(partner_user)
    response = strict.post("/i18n/setlang/", {"language": "hu"})
    assert response.status_code == 403
