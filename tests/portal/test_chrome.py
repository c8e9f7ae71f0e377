"""The page chrome (templates/base.html): cached where it can be, per request where it must be."""

import re

import pytest
from django.templatetags.static import static
from django.test import override_settings
from django.urls import reverse

from portal.templatetags.chrome import asset_url_for

ASSETS = (
    "vendor/bootstrap/bootstrap.min.css",
    "css/portal.css",
    "favicon.svg",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "js/portal.js",
    "js/char-counter.js",
)


@pytest.fixture
def anna_client(client, partner_user):
    client.force_login(partner_user)
    return client


def test_every_asset_of_the_chrome_is_linked_at_its_static_url(anna_client):
    html = anna_client.get(reverse("home")).content.decode()

    for path in ASSETS:
        assert f'"{static(path)}"' in html


def test_a_changed_static_setting_changes_the_remembered_asset_urls(anna_client):
    anna_client.get(reverse("home"))
    with override_settings(STATIC_URL="https://cdn.example/assets/"):
        html = anna_client.get(reverse("home")).content.decode()
        assert asset_url_for("css/portal.css") == static("css/portal.css")
    assert 'href="https://cdn.example/assets/css/portal.css"' in html
    assert "cdn.example" not in anna_client.get(reverse("home")).content.decode()


def test_the_language_form_returns_to_the_page_it_was_sent_from(anna_client):
    # The language list is a cached fragment; the "next" path beside it is per request.
    home = anna_client.get(reverse("home")).content.decode()
    benefits = anna_client.get(reverse("contracts:benefits")).content.decode()

    assert '<input name="next" type="hidden" value="/">' in home
    assert f'name="next" type="hidden" value="{reverse("contracts:benefits")}"' in benefits


def test_each_page_has_its_own_csrf_tokens_and_script_nonce(anna_client):
    first = anna_client.get(reverse("home"))
    second = anna_client.get(reverse("home"))

    def tokens(response):
        return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())

    def nonces(response):
        return set(re.findall(r'<script [^>]*nonce="([^"]+)"', response.content.decode()))

    assert len(tokens(first)) == 2  # the language switcher and sign-out
    assert tokens(first) != tokens(second)
    assert len(nonces(first)) == 1 and nonces(first) != nonces(second)
    assert nonces(first).pop() in first["Content-Security-Policy"]


def test_the_chrome_keeps_its_landmarks_and_skip_link(anna_client):
    html = anna_client.get(reverse("home")).content.decode()

    assert '<a class="visually-hidden-focusable" href="#content">' in html
    assert '<nav class="navbar' in html and 'aria-label="Main"' in html
    assert '<main id="content"' in html and "<footer" in html
    assert '<label class="visually-hidden" for="language-switcher">' in html


def test_a_signed_out_visitor_gets_no_sign_out_form(client, db):
    html = client.get(reverse("login")).content.decode()

    assert reverse("logout") not in html
    assert 'id="language-switcher"' in html
