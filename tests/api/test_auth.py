"""Machine authentication: bearer tokens only, scopes, revocation, throttling, problem details."""

from __future__ import annotations

import pytest

from api.models import ApiToken, hash_secret
from incidents.models import Incident
from tests.api.conftest import Api, azure_request, issue


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"]
    return body


def test_without_a_token_the_api_answers_401_and_never_redirects(client, db):
    response = Api(client).get("/serviceRequests")
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_session_does_not_authenticate_the_api(client, partner_user):
    client.force_login(partner_user)
    assert_problem(Api(client).get("/serviceRequests"), 401)
    # Nor can a session write (no CSRF surface): nothing is created.
    assert_problem(Api(client).post("/serviceRequests", {"title": "x"}), 401)
    assert not Incident.objects.exists()


def test_a_wrong_or_malformed_token_is_refused(client, write_secret):
    assert_problem(Api(client, write_secret[:-1] + "x").get("/contracts"), 401)
    assert_problem(Api(client, "not-a-token").get("/contracts"), 401)


def test_the_secret_is_stored_only_as_a_hash(partner_user, write_secret):
    token = ApiToken.objects.get()
    assert write_secret not in (token.key_hash, token.prefix, token.name)
    assert token.key_hash == hash_secret(write_secret)
    assert write_secret.startswith(token.prefix)


def test_a_revoked_token_is_refused(client, write_secret):
    api = Api(client, write_secret)
    assert api.get("/contracts").status_code == 200
    ApiToken.objects.get().revoke()
    assert_problem(api.get("/contracts"), 401)


def test_a_deactivated_user_or_partner_loses_api_access(client, partner_user, write_secret):
    api = Api(client, write_secret)
    partner_user.partner.is_active = False
    partner_user.partner.save()
    assert_problem(api.get("/contracts"), 401)
    partner_user.partner.is_active = True
    partner_user.partner.save()
    partner_user.is_active = False
    partner_user.save()
    assert_problem(api.get("/contracts"), 401)


def test_a_read_token_cannot_write(client, read_secret, azure, subscription, contract):
    api = Api(client, read_secret)
    assert api.get("/serviceRequests").status_code == 200
    response = api.post("/serviceRequests", azure_request(azure, subscription, contract))
    body = assert_problem(response, 403)
    assert "write" in body["detail"]
    assert not Incident.objects.exists()


def test_each_call_records_the_last_use(client, write_secret):
    assert ApiToken.objects.get().last_used_at is None
    Api(client, write_secret).get("/contracts")
    assert ApiToken.objects.get().last_used_at is not None


def test_calls_beyond_the_window_limit_get_429_with_retry_after(client, settings, partner_user):
    settings.API_THROTTLE_CALLS = 3
    settings.API_THROTTLE_WINDOW = 3600
    api = Api(client, issue(partner_user))
    assert [api.get("/contracts").status_code for _ in range(3)] == [200, 200, 200]
    response = api.get("/contracts")
    assert_problem(response, 429)
    assert 0 < int(response["Retry-After"]) <= 3600
    # Throttling is per token: another token of the same user still gets through.
    assert Api(client, issue(partner_user, name="Other")).get("/contracts").status_code == 200


def test_a_new_window_starts_the_count_again(client, settings, partner_user):
    settings.API_THROTTLE_CALLS = 1
    api = Api(client, issue(partner_user))
    assert api.get("/contracts").status_code == 200
    assert api.get("/contracts").status_code == 429
    ApiToken.objects.update(window=0)  # the window has passed
    assert api.get("/contracts").status_code == 200


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Authentication required"), ("hu", None), ("ja", None)],
)
def test_problem_titles_follow_accept_language(client, db, language, expected):
    response = Api(client).get("/contracts", headers={"Accept-Language": language})
    body = assert_problem(response, 401)
    if expected:
        assert body["title"] == expected
    else:
        assert body["title"] != "Authentication required"


def test_a_validation_error_lists_each_field(api, azure, subscription):
    response = api.post("/serviceRequests", {"title": "x"})
    body = assert_problem(response, 422)
    fields = {e["field"] for e in body["errors"]}
    assert {"description", "severity", "supportTopicId", "primaryContact"} <= fields
    assert all(e["detail"] == "This field is required." for e in body["errors"])


def test_a_session_that_would_be_redirected_never_redirects_the_api(client, partner_user):
    partner_user.profile_completed_at = None  # the portal would send them to the profile
    partner_user.save()
    client.force_login(partner_user)
    assert client.get("/api/v1/contracts").status_code == 401
    partner_user.partner.is_active = False  # the portal would sign them out to log in
    partner_user.partner.save()
    assert client.get("/api/v1/contracts").status_code == 401
