"""Issue 8: the profile's language applies at sign-in; dates in the user's locale and zone."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from incidents.models import Incident
from partners.models import User
from tests.builders import PASSWORD, make_engineer, make_user
from tests.incidents.test_workflow_builders import make_incident

COOKIE = settings.LANGUAGE_COOKIE_NAME


@pytest.fixture(autouse=True)
def _catalogues(compiled_catalogues):
    pass


def sign_in(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD})


def html_lang(response) -> str:
    return re.search(rb'<html lang="([^"]+)"', response.content).group(1).decode()


def translated(text, lang):
    with translation.override(lang):
        return translation.gettext(text)


def test_signing_in_sets_the_language_cookie_to_the_profiles_language(client, partner):
    user = make_user(partner, username="yuki", language="ja")

    response = sign_in(client, user)

    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "ja"
    home = client.get(reverse("home"))
    assert html_lang(home) == "ja"
    text = home.content.decode()
    # Japanese text: the date in the Japanese format, and the portal's own strings.
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", text)
    assert translated("Sign out", "ja") in text
    assert translated("Signature Cloud Support today", "ja") in text


def test_the_profiles_language_replaces_one_chosen_before_signing_in(client, partner):
    user = make_user(partner, username="zsofi", language="hu")
    client.cookies[COOKIE] = "ko"
    assert html_lang(client.get(reverse("login"))) == "ko"

    response = sign_in(client, user)

    assert response.cookies[COOKIE].value == "hu"
    assert html_lang(client.get(reverse("home"))) == "hu"


def test_a_first_sign_in_before_the_profile_keeps_the_browsers_language(client, partner):
    user = make_user(partner, username="new", profile_done=False)  # language: the default "en"
    client.cookies[COOKIE] = "cs"

    response = sign_in(client, user)

    assert COOKIE not in response.cookies
    profile = client.get(reverse("partners:profile"))
    assert html_lang(profile) == "cs"


def test_an_engineer_gets_the_language_of_the_account_too(client, db):
    engineer = make_engineer("eng-ko")
    User.objects.filter(pk=engineer.pk).update(language="ko")

    response = sign_in(client, engineer)

    assert response.cookies[COOKIE].value == "ko"
    assert html_lang(client.get(reverse("home"))) == "ko"


def test_a_failed_sign_in_does_not_touch_the_language(client, partner):
    make_user(partner, username="yuki", language="ja")
    response = client.post(reverse("login"), {"username": "yuki", "password": "wrong"})
    assert response.status_code == 200
    assert COOKIE not in response.cookies


def test_the_switcher_changes_this_browser_only_not_the_profiles_language(client, partner):
    user = make_user(partner, username="yuki", language="ja")
    sign_in(client, user)

    response = client.post(reverse("set_language"), {"language": "hu", "next": "/"})

    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "hu"
    assert html_lang(client.get(reverse("home"))) == "hu"
    user.refresh_from_db()
    assert user.language == "ja"  # only "Edit profile" changes the preference
    # The next sign-in brings the profile's language back.
    client.logout()
    assert sign_in(client, user).cookies[COOKIE].value == "ja"


def test_the_switcher_before_signing_in_changes_no_account(client, partner):
    user = make_user(partner, username="yuki", language="ja")
    response = client.post(reverse("set_language"), {"language": "cs", "next": "/"})
    assert response.cookies[COOKIE].value == "cs"
    user.refresh_from_db()
    assert user.language == "ja"


def test_the_switcher_ignores_a_language_the_portal_does_not_speak(client, partner):
    user = make_user(partner, username="yuki", language="ja")
    sign_in(client, user)
    client.post(reverse("set_language"), {"language": "de", "next": "/"})
    user.refresh_from_db()
    assert user.language == "ja"


def test_the_switcher_only_answers_post(client, partner):
    user = make_user(partner, username="yuki", language="ja")
    client.force_login(user)
    client.get(reverse("set_language"), {"language": "hu"})
    user.refresh_from_db()
    assert user.language == "ja"


# --- dates, times and numbers --------------------------------------------------------


@pytest.fixture
def tokyo_user(partner):
    return make_user(
        partner, username="yuki", language="ja", time_zone="Asia/Tokyo", technical_contact=True
    )


def submitted_at(incident, when):
    Incident.objects.filter(pk=incident.pk).update(updated_at=when, created_at=when)


def test_dates_are_shown_in_the_users_time_zone_and_language(client, tokyo_user):
    incident = make_incident(tokyo_user)
    submitted_at(incident, dt.datetime(2026, 1, 15, 20, 30, tzinfo=dt.UTC))
    sign_in(client, tokyo_user)

    page = client.get(reverse("incidents:manage_list")).content.decode()

    # 20:30 UTC is 05:30 the next morning in Tokyo; Japanese short format Y/m/d G:i.
    assert "2026/01/16 5:30" in page
    assert 'datetime="2026-01-16T05:30:00+09:00"' in page


def test_the_same_date_in_english_and_another_zone(client, partner):
    user = make_user(partner, username="ann", language="en", time_zone="America/New_York")
    incident = make_incident(user)
    submitted_at(incident, dt.datetime(2026, 1, 15, 20, 30, tzinfo=dt.UTC))
    sign_in(client, user)

    page = client.get(reverse("incidents:manage_list")).content.decode()

    assert "01/15/2026 3:30 p.m." in page


def test_hungarian_dates_use_the_hungarian_format(client, partner):
    user = make_user(partner, username="zsofi", language="hu", time_zone="Europe/Budapest")
    incident = make_incident(user)
    submitted_at(incident, dt.datetime(2026, 1, 15, 20, 30, tzinfo=dt.UTC))
    sign_in(client, user)

    page = client.get(reverse("incidents:manage_list")).content.decode()

    assert "2026.01.15. 21:30" in page


def test_an_unknown_time_zone_falls_back_to_utc(client, partner):
    user = make_user(partner, username="odd", language="en", time_zone="Mars/Olympus")
    incident = make_incident(user)
    submitted_at(incident, dt.datetime(2026, 1, 15, 20, 30, tzinfo=dt.UTC))
    client.force_login(user)

    page = client.get(reverse("incidents:manage_list")).content.decode()

    assert "01/15/2026 8:30 p.m." in page


def test_numbers_follow_the_language(partner):
    from django.template import Context, Template

    template = Template("{% load l10n %}{{ value|localize }}")
    for lang, expected in (("en", "1234.5"), ("hu", "1234,5"), ("cs", "1234,5"), ("ja", "1234.5")):
        with translation.override(lang):
            assert template.render(Context({"value": 1234.5})) == expected
