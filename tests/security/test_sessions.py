"""Sessions and log-in (issue 9 §4)."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from tests.builders import PASSWORD


def sign_in(client, username, password=PASSWORD, next_url=None):
    data = {"username": username, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/accounts/login/", data)


def test_the_session_key_changes_at_log_in(client, partner_user):
    client.get("/accounts/login/")
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    before = client.session.session_key
    assert before
    response = sign_in(client, partner_user.username)
    assert response.status_code == 302
    assert client.session.session_key != before


def test_log_out_invalidates_the_session(client, partner_user):
    sign_in(client, partner_user.username)
    key = client.session.session_key
    assert SessionStore().exists(key)
    client.post("/accounts/logout/")
    assert not SessionStore().exists(key)
    # Replaying the old cookie does not sign anyone in.
    replay = Client()
    replay.cookies["sessionid"] = key
    assert replay.get("/").status_code == 302


def test_log_out_by_get_is_refused(client, partner_user):
    sign_in(client, partner_user.username)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/").status_code == 200


def test_a_deactivated_user_is_refused_on_the_next_request(client, partner_user):
    sign_in(client, partner_user.username)
    assert client.get("/").status_code == 200
    partner_user.is_active = False
    partner_user.save()
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_user_of_a_deactivated_partner_is_signed_out(client, partner_user):
    sign_in(client, partner_user.username)
    partner_user.partner.is_active = False
    partner_user.partner.save()
    response = client.get("/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_user_removed_from_their_partner_loses_the_partner_view(client, partner_user):
    sign_in(client, partner_user.username)
    partner = partner_user.partner
    partner_user.partner = None
    partner_user.save()
    response = client.get("/")
    assert response.status_code == 200
    assert partner.name not in response.content.decode()


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/x", "http:\\\\evil.example", "///evil.example"],
)
def test_next_to_another_host_is_ignored(client, partner_user, next_url):
    response = sign_in(client, partner_user.username, next_url=next_url)
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_next_on_this_site_is_followed(client, partner_user):
    response = sign_in(client, partner_user.username, next_url="/profile/")
    assert response["Location"] == "/profile/"


def test_log_in_is_throttled_after_repeated_failures(client, partner_user, settings):
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, partner_user.username, password="wrong")
        assert response.status_code == 200  # the form again, with its error
    assert sign_in(client, partner_user.username, password="wrong").status_code == 429
    # Even the right password is refused while locked out.
    response = sign_in(client, partner_user.username)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lock_out_is_per_user_not_for_everyone(client, partner_user, other_user, settings):
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, partner_user.username, password="wrong")
    assert sign_in(client, other_user.username).status_code == 302
