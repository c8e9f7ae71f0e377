"""The account kind (work / personal) is staff's to set and shown in the profile."""

from django.urls import reverse

from partners.models import User
from tests.partners.test_profile_wizard import contact_step, name_step, review_step


def test_new_users_are_work_accounts(partner_user):
    assert partner_user.account_kind == User.AccountKind.WORK
    assert not partner_user.is_personal_account


def test_the_profile_shows_the_account_kind(partner_client, buyer, client):
    page = partner_client.get(reverse("partners:profile")).content.decode()
    assert "Work account (Microsoft Entra)" in page
    assert "only personal accounts can buy" in page
    client.force_login(buyer)
    page = client.get(reverse("partners:profile")).content.decode()
    assert "Personal account (Microsoft account)" in page


def test_the_profile_wizard_cannot_change_the_account_kind(partner_client, partner_user):
    url = reverse("partners:profile")
    partner_client.get(url)
    for data in (
        name_step(**{"name-account_kind": "personal"}),
        contact_step(**{"contact-account_kind": "personal"}),
        review_step(),
    ):
        partner_client.post(url, data)
    partner_user.refresh_from_db()
    assert partner_user.profile_completed_at is not None
    assert partner_user.account_kind == User.AccountKind.WORK


def test_staff_set_the_account_kind_in_the_admin(client, staff, partner_user):
    client.force_login(staff)
    page = client.get(reverse("admin:partners_user_change", args=[partner_user.pk]))
    assert page.status_code == 200
    assert 'name="account_kind"' in page.content.decode()
    listing = client.get(reverse("admin:partners_user_changelist"), {"account_kind": "personal"})
    assert listing.status_code == 200
