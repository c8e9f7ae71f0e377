"""The one-time profile wizard (issue 2, SPEC §2 "People", seed 002)."""

import pytest
from django.conf import settings
from django.urls import reverse

from partners.forms import ZONE_TAB, ContactForm
from tests.builders import make_partner, make_user

URL = "/profile/"
PREFIX = "profile_wizard"


@pytest.fixture
def new_user(partner):
    return make_user(
        partner, username="newbie", profile_done=False, first_name="Nora", last_name="Kovacs"
    )


@pytest.fixture
def new_client(client, new_user):
    client.force_login(new_user)
    return client


def name_step(**overrides):
    data = {
        f"{PREFIX}-current_step": "name",
        "name-email": "nora@contoso.example",
        "name-alternate_email": "",
    }
    data.update(overrides)
    return data


def contact_step(**overrides):
    data = {
        f"{PREFIX}-current_step": "contact",
        "contact-phone": "+36 1 234 5678",
        "contact-time_zone": "Europe/Budapest",
        "contact-language": "hu",
        "contact-contact_method": "phone",
    }
    data.update(overrides)
    return data


def review_step():
    return {f"{PREFIX}-current_step": "review"}


def test_a_new_partner_user_is_sent_to_the_profile_before_anything_else(new_client):
    response = new_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("partners:profile")


def test_the_first_step_shows_the_name_read_only(new_client):
    response = new_client.get(URL)
    assert response.status_code == 200
    assert response.context["wizard"]["steps"].current == "name"
    html = response.content.decode()
    assert 'value="Nora"' in html and 'value="Kovacs"' in html
    form = response.context["form"]
    assert form.fields["first_name"].disabled and form.fields["last_name"].disabled
    assert "disabled" in str(form["first_name"])


def test_the_whole_wizard_saves_the_profile_and_goes_home(new_client, new_user):
    new_client.get(URL)
    response = new_client.post(URL, name_step())
    assert response.context["wizard"]["steps"].current == "contact"
    response = new_client.post(URL, contact_step())
    assert response.context["wizard"]["steps"].current == "review"
    html = response.content.decode()
    assert "nora@contoso.example" in html and "Europe/Budapest" in html
    response = new_client.post(URL, review_step())
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    new_user.refresh_from_db()
    assert new_user.profile_completed_at is not None
    assert new_user.email == "nora@contoso.example"
    assert new_user.phone.as_e164 == "+3612345678"
    assert new_user.time_zone == "Europe/Budapest"
    assert new_user.language == "hu"
    assert new_user.contact_method == "phone"
    # The chosen language becomes the interface language.
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "hu"
    home = new_client.get("/")
    assert home.status_code == 200
    assert home.wsgi_request.LANGUAGE_CODE == "hu"


def test_a_forged_post_cannot_change_the_read_only_names(new_client, new_user):
    new_client.get(URL)
    new_client.post(URL, name_step(**{"name-first_name": "Mallory", "name-last_name": "Evil"}))
    new_client.post(URL, contact_step())
    new_client.post(URL, review_step())
    new_user.refresh_from_db()
    assert (new_user.first_name, new_user.last_name) == ("Nora", "Kovacs")
    assert new_user.profile_completed_at is not None


def test_a_bad_phone_number_re_renders_with_the_entries_kept_and_an_error_summary(new_client):
    new_client.get(URL)
    new_client.post(URL, name_step())
    response = new_client.post(
        URL, contact_step(**{"contact-phone": "12", "contact-time_zone": "Asia/Tokyo"})
    )
    assert response.status_code == 200
    assert response.context["wizard"]["steps"].current == "contact"
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'class="error-summary"' in html
    assert "Enter a valid phone number" in html
    assert 'value="12"' in html
    assert '<option value="Asia/Tokyo" selected>' in html


def test_an_unknown_time_zone_or_language_is_refused(new_client):
    new_client.get(URL)
    new_client.post(URL, name_step())
    response = new_client.post(
        URL, contact_step(**{"contact-time_zone": "Mars/Olympus", "contact-language": "xx"})
    )
    assert response.context["wizard"]["steps"].current == "contact"
    assert set(response.context["form"].errors) == {"time_zone", "language"}


def test_back_keeps_the_entries_of_both_steps(new_client):
    new_client.get(URL)
    new_client.post(URL, name_step(**{"name-alternate_email": "alt@contoso.example"}))
    # Half-filled contact step, then Back: what was typed is kept.
    response = new_client.post(
        URL,
        contact_step(**{"contact-phone": "+81 3 1234 5678", "wizard_goto_step": "name"}),
    )
    assert response.context["wizard"]["steps"].current == "name"
    html = response.content.decode()
    assert 'value="nora@contoso.example"' in html
    assert 'value="alt@contoso.example"' in html
    response = new_client.post(URL, name_step(**{"name-alternate_email": "alt@contoso.example"}))
    assert response.context["wizard"]["steps"].current == "contact"
    assert response.context["form"]["phone"].value() == "+81 3 1234 5678"


def test_the_review_has_an_edit_link_per_step(new_client):
    new_client.get(URL)
    new_client.post(URL, name_step())
    response = new_client.post(URL, contact_step())
    sections = response.context["review_sections"]
    assert [s["step"] for s in sections] == ["name", "contact"]
    response = new_client.post(URL, {**review_step(), "wizard_goto_step": "contact"})
    assert response.context["wizard"]["steps"].current == "contact"


def test_an_invalid_e_mail_keeps_the_user_on_the_first_step(new_client):
    new_client.get(URL)
    response = new_client.post(URL, name_step(**{"name-email": "not-an-address"}))
    assert response.context["wizard"]["steps"].current == "name"
    assert "email" in response.context["form"].errors


def test_the_phone_is_required_to_be_contacted_by_phone(new_client):
    new_client.get(URL)
    new_client.post(URL, name_step())
    response = new_client.post(URL, contact_step(**{"contact-phone": ""}))
    assert "phone" in response.context["form"].errors


def test_a_local_number_is_read_in_the_partners_country(new_user):
    form = ContactForm(
        data={
            "phone": "06 1 234 5678",
            "time_zone": "UTC",
            "language": "en",
            "contact_method": "email",
        },
        user=new_user,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"].as_e164 == "+3612345678"


def test_the_time_zone_defaults_to_the_partners_country(new_client):
    new_client.get(URL)
    response = new_client.post(URL, name_step())
    expected = "Europe/Budapest" if ZONE_TAB.exists() else "UTC"
    assert response.context["form"]["time_zone"].value() == expected


def test_a_completed_user_is_not_redirected(partner_client):
    response = partner_client.get("/")
    assert response.status_code == 200


def test_a_completed_user_can_reopen_the_wizard_prefilled_and_edit(partner_client, partner_user):
    partner_user.phone = "+3612345678"
    partner_user.time_zone = "Europe/Prague"
    partner_user.save()
    response = partner_client.get(URL)
    assert response.status_code == 200
    assert response.context["form"]["email"].value() == partner_user.email
    partner_client.post(URL, name_step(**{"name-email": partner_user.email}))
    response = partner_client.post(URL, name_step(**{"name-email": partner_user.email}))
    form = response.context["form"]
    assert form["time_zone"].value() == "Europe/Prague"
    assert "+36" in str(form["phone"].value()) or "1 234 5678" in str(form["phone"].value())
    partner_client.post(URL, contact_step(**{"contact-language": "ja"}))
    response = partner_client.post(URL, review_step())
    assert response.status_code == 302
    partner_user.refresh_from_db()
    assert partner_user.language == "ja"


def test_engineers_and_staff_are_never_sent_to_the_profile(client, engineer, staff):
    for user in (engineer, staff):
        user.profile_completed_at = None
        user.save()
        client.force_login(user)
        assert client.get("/").status_code == 200
        assert client.get(URL).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_user_s_language_is_adopted_on_sign_in(client, partner):
    user = make_user(partner, username="kenji", language="ja")
    client.force_login(user)
    response = client.get("/")
    assert response.wsgi_request.LANGUAGE_CODE == "ja"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ja"


def test_a_user_of_an_inactive_partner_is_signed_out(client, db):
    partner = make_partner(is_active=False)
    user = make_user(partner, profile_done=False)
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("login")


def test_complete_profile_only_touches_profile_fields_and_keeps_the_first_completion(
    partner_user,
):
    from partners.services import complete_profile

    first = partner_user.profile_completed_at
    complete_profile(
        partner_user,
        {"email": "new@contoso.example", "first_name": "Forged", "is_staff": True, "phone": None},
    )
    partner_user.refresh_from_db()
    assert partner_user.email == "new@contoso.example"
    assert partner_user.first_name == "Test" and not partner_user.is_staff
    assert partner_user.profile_completed_at == first


def test_the_review_shows_the_read_only_names_too(new_client):
    new_client.get(URL)
    new_client.post(URL, name_step())
    response = new_client.post(URL, contact_step())
    rows = dict(response.context["review_sections"][0]["rows"])
    assert rows["First name"] == "Nora" and rows["Last name"] == "Kovacs"
