"""The page chrome in the page's language: the portal's name is translated per page, and the
cached nav and language list are kept per language (issue 21)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

COOKIE = settings.LANGUAGE_COOKIE_NAME


@pytest.fixture(autouse=True)
def _catalogues(compiled_catalogues):
    pass


def translated(text, lang):
    with translation.override(lang):
        return translation.gettext(text)


def test_the_portal_name_and_the_cached_chrome_follow_the_pages_language(client, partner_user):
    client.force_login(partner_user)
    pages = {}
    for lang in ("hu", "en", "hu"):
        client.cookies[COOKIE] = lang
        pages.setdefault(lang, []).append(client.get(reverse("home")).content.decode())

    for lang, htmls in pages.items():
        name = translated("Partner Support Portal", lang)
        for html in htmls:
            assert re.search(rf"<title>[^<]* · {re.escape(name)}</title>", html)
            assert f'<div class="container">{name}</div>' in html  # the footer
            assert f'<a class="navbar-brand" href="/">{name}</a>' in html
            assert translated("Sign out", lang) in html
            assert f'<option value="{lang}" lang="{lang}" selected>' in html
    assert translated("Partner Support Portal", "hu") != "Partner Support Portal"
