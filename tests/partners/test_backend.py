"""The authentication backend reads the user with their partner (issue 21)."""

from __future__ import annotations

from django.conf import settings

from partners.backends import PartnerModelBackend
from tests.builders import PASSWORD


def test_axes_stays_first_and_the_partner_backend_signs_in():
    assert settings.AUTHENTICATION_BACKENDS == [
        "axes.backends.AxesStandaloneBackend",
        "partners.backends.PartnerModelBackend",
    ]


def test_the_user_comes_with_their_partner_in_one_query(partner_user, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = PartnerModelBackend().get_user(partner_user.pk)
        assert user.partner.name == partner_user.partner.name


def test_a_user_without_a_partner_is_read_too(engineer, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = PartnerModelBackend().get_user(engineer.pk)
        assert user.partner is None


def test_an_inactive_or_missing_user_is_nobody(partner_user):
    partner_user.is_active = False
    partner_user.save(update_fields=["is_active"])
    assert PartnerModelBackend().get_user(partner_user.pk) is None
    assert PartnerModelBackend().get_user(10**9) is None


def test_signing_in_through_the_form_keeps_this_backend_in_the_session(client, partner_user):
    response = client.post(
        "/accounts/login/", {"username": partner_user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_backend"] == "partners.backends.PartnerModelBackend"
