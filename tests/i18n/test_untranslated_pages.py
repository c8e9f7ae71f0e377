"""Issue 20: no English interface string on any page or wizard step in hu, cs, ja, ko.

Every page of the access matrix (tests/security/test_access_matrix.py enumerates every
URL pattern) and the steps of the wizards are rendered in each language; the visible
text must not contain any message of the English catalogue verbatim (the msgids of
locale/hu/LC_MESSAGES/django.po of at least MIN_LENGTH characters whose translation
differs from them; for a message with placeholders, its literal parts).
"""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings

from tests.i18n.pofile import parse
from tests.security.test_access_matrix import (  # noqa: F401  (world is a fixture)
    ENGINEER_URLS,
    GET_PAGES,
    RULES,
    url_for,
    world,
)

LANGUAGES = ["hu", "cs", "ja", "ko"]
MIN_LENGTH = 12
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{[^}]*\}\}|\{[\w.]*\}")
LOCALE = Path(settings.BASE_DIR) / "locale"


@cache
def english_messages(lang: str) -> tuple[str, ...]:
    """The English strings that must not appear on a page in ``lang``."""
    entries = [e for e in parse(LOCALE / lang / "LC_MESSAGES" / "django.po") if not e.is_header]
    # Product and plan names ("Signature Cloud Support") stay English inside translations.
    translated = " ".join(" ".join(form.split()) for e in entries for form in e.forms)
    found = set()
    for entry in entries:
        if entry.msgid_plural or "<" in entry.msgid:  # markup: not comparable with text
            continue
        for part in PLACEHOLDER.split(entry.msgid):
            part = " ".join(part.split()).strip(" .,:;—-()")
            if len(part) >= MIN_LENGTH and " " in part and part not in translated:
                found.add(part)
    return tuple(sorted(found, key=len, reverse=True))


def visible_text(body: str) -> str:
    body = re.sub(r"(?is)<(script|style|template)\b.*?</\1>", " ", body)
    body = re.sub(r"(?s)<!--.*?-->", " ", body)
    body = re.sub(r"<[^>]+>", " ", body)
    return " ".join(html.unescape(body).split())


def english_left(body: str, lang: str) -> list[str]:
    text = visible_text(body)
    return [message for message in english_messages(lang) if message in text]


def open_in(client, lang: str, url: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return client.get(url, follow=True)


PAGES = [
    name
    for name in [*GET_PAGES, *ENGINEER_URLS]
    if not RULES[name].post_only
    and name not in {"incidents:attachment", "incidents:queue_export"}  # files, not pages
    and not name.startswith("incidents:topic_")
    and name not in {"incidents:business_versions", "incidents:business_articles"}
]


@pytest.mark.usefixtures("compiled_catalogues")
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", PAGES)
def test_no_page_shows_an_english_string(client, world, name, lang):  # noqa: F811
    who = "engineer" if RULES[name].audience == "engineer" else "a"
    client.force_login(world[who])
    response = open_in(client, lang, url_for(name, world))
    assert response.status_code == 200, (name, response.status_code)
    assert english_left(response.content.decode(), lang) == []


# --- the wizards, step by step (the walkers of the wizard tests) ---------------------

from tests.builders import make_contract  # noqa: E402
from tests.incidents import test_azure_wizard as az  # noqa: E402
from tests.incidents import test_business_wizard as biz  # noqa: E402
from tests.incidents import test_office365_wizard as o365  # noqa: E402
from tests.incidents.test_azure_wizard import azure  # noqa: E402, F401  (fixture)


def assert_in_language(response, lang, where):
    assert response.status_code == 200, (where, response.status_code)
    assert english_left(response.content.decode(), lang) == [], where


def use_language(client, lang):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang


@pytest.mark.usefixtures("compiled_catalogues")
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_azure_step_is_in_the_language(partner_client, partner_user, azure, lang):  # noqa: F811
    use_language(partner_client, lang)
    subscription = az.make_subscription(partner_user)
    contract = make_contract(partner_user.partner, register_to=partner_user)
    assert_in_language(partner_client.get(az.URL), lang, "options")
    response = az.post_step(partner_client, "options", {"option": "professional"})
    assert_in_language(response, lang, "topic")
    assert_in_language(az.post_step(partner_client, "topic", {}), lang, "topic, errors")
    response = az.post_step(partner_client, "topic", azure["topic"])
    assert_in_language(response, lang, "contract")
    response = az.post_step(partner_client, "contract", {"contract": contract.pk})
    assert_in_language(response, lang, "contact")
    response = az.post_step(partner_client, "contact", az.CONTACT)
    assert_in_language(response, lang, "details")
    response = az.post_step(partner_client, "details", az.details(subscription, title=""))
    assert_in_language(response, lang, "details, errors")
    done = az.post_step(partner_client, "details", az.details(subscription))
    assert done.status_code == 302, "the incident was not submitted"
    assert_in_language(partner_client.get(done.url), lang, "confirmation")


@pytest.mark.usefixtures("compiled_catalogues")
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_office365_step_is_in_the_language(partner_client, partner_user, lang):
    use_language(partner_client, lang)
    nodes = o365.o365_catalogue()["mail"]
    make_contract(partner_user.partner, register_to=partner_user)
    assert_in_language(partner_client.get(o365.URL), lang, "problem")
    assert_in_language(partner_client.post(o365.URL, {o365.STEP: "problem"}), lang, "errors")
    for where, data in (
        ("description", o365.problem_data(nodes)),
        ("supporting", o365.description_data()),
        ("attach", o365.supporting_data()),
    ):
        assert_in_language(partner_client.post(o365.URL, data), lang, where)


@pytest.mark.usefixtures("compiled_catalogues")
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_business_step_is_in_the_language(partner_client, partner_user, lang):
    use_language(partner_client, lang)
    cat = biz.make_onprem_catalogue()
    contract = biz.product_support(partner_user, name="Contoso SQL 2026")
    assert_in_language(partner_client.get(biz.URL), lang, "problem")
    errors = partner_client.post(biz.URL, {f"{biz.PREFIX}-current_step": "problem"})
    assert_in_language(errors, lang, "problem, errors")
    for where, data in (
        ("support", biz.problem_data(cat)),
        ("contact", biz.support_data(contract)),
        ("share", biz.contact_data(partner_user)),
        ("review", biz.share_data()),
    ):
        assert_in_language(partner_client.post(biz.URL, data), lang, where)
