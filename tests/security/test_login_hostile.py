"""Log-in copes with any user name (issue 14): django-axes stores at most the
longest possible user name (``portal.hostile.axes_username``)."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt

from tests.builders import PASSWORD


def sign_in(client, username, password="wrong"):
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.parametrize("length", [150, 151, 255, 256, 1000, 100_000])
def test_a_very_long_user_name_is_a_normal_wrong_log_in(client, partner_user, settings, length):
    settings.AXES_ENABLED = True
    response = sign_in(client, "u" * length)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_very_long_user_names_are_still_throttled(client, partner_user, settings):
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "x" * 300).status_code == 200
    assert sign_in(client, "x" * 300).status_code == 429
    assert all(len(a.username) <= 150 for a in AccessAttempt.objects.all())
    # The real user is not locked out by someone else's long guesses.
    assert sign_in(client, partner_user.username, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("username", "password"), [("anna\x00", "x"), ("anna", "pw\x00"), ("\x00" * 300, "")]
)
def test_a_nul_in_the_credentials_is_a_bad_request(
    client, partner_user, settings, username, password
):
    settings.AXES_ENABLED = True
    assert sign_in(client, username, password).status_code == 400
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("username", ["anna\u2028", "\u202eanna", "anna\u200b", "anna\x85"])
def test_odd_characters_in_a_user_name_are_a_wrong_log_in(client, partner_user, settings, username):
    settings.AXES_ENABLED = True
    response = sign_in(client, username)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("raw", [b"%ED%A0%80", b"%FF%FE", b"anna%C0%AF", b"%F4%90%80%80"])
def test_invalid_utf8_in_a_user_name_is_a_wrong_log_in(client, partner_user, settings, raw):
    settings.AXES_ENABLED = True
    body = b"username=" + raw + b"&password=x"
    response = client.post(
        "/accounts/login/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (200, 400)
    assert "_auth_user_id" not in client.session
