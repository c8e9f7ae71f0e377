"""The API token page (linked from the profile) and staff revocation in the admin."""

from __future__ import annotations

from django.urls import reverse

from api.models import ApiToken, hash_secret
from tests.api.conftest import Api, issue

URL = reverse("api_tokens")


def test_a_new_tokens_secret_is_shown_once(partner_client, partner_user):
    response = partner_client.post(URL, {"name": "PSA sync", "scope": "write"})
    assert response.status_code == 201
    secret = response.context["secret"]
    token = ApiToken.objects.get()
    assert token.user == partner_user and token.scope == "write"
    assert token.key_hash == hash_secret(secret) and secret in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    again = partner_client.get(URL).content.decode()
    assert secret not in again and token.prefix in again


def test_a_token_without_a_name_is_refused_with_the_entries_kept(partner_client):
    response = partner_client.post(URL, {"name": " ", "scope": "write"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_the_partner_revokes_a_token_and_it_stops_working(client, partner_user):
    secret = issue(partner_user)
    token = ApiToken.objects.get()
    client.force_login(partner_user)
    response = client.post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    client.logout()
    assert Api(client, secret).get("/contracts").status_code == 401


def test_another_users_token_cannot_be_revoked(client, partner_user, other_user):
    issue(partner_user)
    client.force_login(other_user)
    token = ApiToken.objects.get()
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    assert ApiToken.objects.get().revoked_at is None
    assert client.get(reverse("api_token_revoke", args=[token.pk])).status_code == 405


def test_users_without_a_partner_have_no_token_page(client, engineer):
    client.force_login(engineer)
    assert client.get(URL).status_code == 403


def test_the_profile_and_home_link_to_the_token_page(partner_client):
    assert URL in partner_client.get(reverse("home")).content.decode()


def test_staff_revoke_any_token_in_the_admin(client, staff, partner_user):
    secret = issue(partner_user)
    client.force_login(staff)
    token = ApiToken.objects.get()
    response = client.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    assert ApiToken.objects.get().revoked_at is not None
    client.logout()
    assert Api(client, secret).get("/contracts").status_code == 401
    client.force_login(staff)
    page = client.get(reverse("admin:api_apitoken_change", args=[token.pk])).content.decode()
    assert secret not in page and hash_secret(secret) not in page
