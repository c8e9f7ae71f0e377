"""Issue 8 in a real browser: the Office 365 wizard in Japanese, and every main page in
each language on a 390 px wide screen (screenshots kept in test-artifacts/i18n/)."""

import os
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import translation

from incidents.models import Incident, Status
from partners.models import User
from tests.browser.conftest import ARTIFACTS, login
from tests.i18n.compiled import compile_catalogues
from tests.i18n.pofile import parse
from tests.incidents.test_office365_wizard import o365_catalogue

LANGUAGES = [code for code, _name in settings.LANGUAGES]
WIDTH = 390
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # kana and kanji
# What a template or a %-format leaves behind when a translation lost its placeholder.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{|\}\}|\{%|%\}")
LOCALE = Path(settings.BASE_DIR) / "locale"


@pytest.fixture(scope="module", autouse=True)
def _compiled():
    compile_catalogues()


def ja(text):
    with translation.override("ja"):
        return translation.gettext(text)


def submit(page):
    page.locator("main button.btn-primary[type=submit]").click()


def choose(page, name, value):
    select = page.locator(f"select[name='{name}']")
    select.locator(f"option[value='{value}']").wait_for(state="attached")
    select.select_option(value=str(value))


# --- the Office 365 wizard in Japanese ----------------------------------------------


def test_a_japanese_partner_walks_the_office365_wizard_in_japanese(page, partner_user):
    nodes = o365_catalogue()["mail"]
    for node, name in zip(
        nodes, ("技術的な問題", "Exchange Online", "メール フロー", "メッセージの遅延"), strict=True
    ):
        node.name_ja = name
        node.save(update_fields=["name_ja"])
    User.objects.filter(pk=partner_user.pk).update(language="ja", time_zone="Asia/Tokyo")

    login(page, partner_user.username)  # the profile's language applies from the next page
    page.wait_for_url("**/")
    assert page.locator("html").get_attribute("lang") == "ja"
    page.goto("/incidents/office365/new/")

    # Step 1: the catalogue lists show the Japanese names.
    assert page.locator("html").get_attribute("lang") == "ja"
    assert ja("Issue type") in page.content()
    for field, node in zip(
        ("issue_type", "service", "service_area", "problem_area"), nodes, strict=True
    ):
        choose(page, f"problem-{field}", node.pk)
    assert "メッセージの遅延" in page.locator("select[name='problem-problem_area']").inner_text()
    submit(page)

    page.locator("input[name='description-title']").wait_for()
    page.fill("input[name='description-title']", "送信メールが遅延しています")
    page.fill(
        "textarea[name='description-description']", "外部宛てのメールが数時間キューに残ります。"
    )
    page.fill("[name='description-error_message']", "451 4.4.0 DNS query failed")
    page.fill("input[name='description-contact_phone']", "+81 3 1234 5678")
    submit(page)

    page.locator("input[name='supporting-tenant_domain']").wait_for()
    page.check("input[name='supporting-severity'][value='B']")
    page.fill("input[name='supporting-tenant_domain']", "contoso.onmicrosoft.com")
    page.fill("input[name='supporting-users_affected']", "40")
    page.fill("input[name='supporting-started_at']", "2026-01-10T09:00")
    page.fill("[name='supporting-what_tried']", "コネクタを再起動しました。")
    submit(page)

    page.locator("input[name='attach-attachments']").wait_for(state="attached")
    submit(page)  # no files

    # The confirmation page is in Japanese.
    number = page.get_by_test_id("incident-number")
    number.wait_for()
    incident = Incident.objects.get()
    assert incident.status == Status.SUBMITTED
    assert number.inner_text() == incident.number
    assert page.locator("html").get_attribute("lang") == "ja"
    text = page.locator("main").inner_text()
    assert ja("Request submitted") != "Request submitted", "the ja catalogue is not compiled"
    for message in ("Request submitted", "Your request number", "Back to home"):
        assert ja(message) in text
    assert "Request submitted" not in text and "An engineer will respond" not in text
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", text)  # the due time, in Japanese format

    # So is the confirmation e-mail.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [partner_user.email]
    assert incident.number in message.subject and JAPANESE.search(message.subject)
    assert (
        ja("We have received your support request %(number)s.") % {"number": incident.number}
        in message.body
    )
    assert ja("Summary") in message.body and "メッセージの遅延" in message.body
    assert "We have received" not in message.body and "Summary" not in message.body


# --- every main page, in every language, 390 px wide ---------------------------------


def source_messages(lang):
    """English messages long enough to be recognised on a page, with their translation.

    A message whose translation keeps the English text (a brand name) is left out.
    """
    source = {e.msgid for e in parse(LOCALE / "hu/LC_MESSAGES/django.po") if e.msgid}
    translated = {}
    if lang != "en":
        translated = {
            e.msgid: e.forms[0] for e in parse(LOCALE / lang / "LC_MESSAGES/django.po") if e.msgid
        }
    return {
        msgid
        for msgid in source
        if len(msgid) >= 16
        and " " in msgid
        and "%(" not in msgid
        and msgid not in translated.get(msgid, "")
    }


def untranslated_on(text, english):
    """The English messages shown in ``text``, leaving out those inside a longer one."""
    found = [m for m in english if m in text]
    return sorted(m for m in found if not any(m != other and m in other for other in found))


def pages_of_the_demo():
    """(name, user or None, url, status) of every main page, on the demo data."""
    gold = User.objects.get(username="gold")
    incident = Incident.objects.visible_to(gold).order_by("pk").first()
    queued = Incident.objects.order_by("pk").first()
    assert incident is not None and queued is not None
    return [
        ("login", None, "/accounts/login/", 200),
        ("home", "gold", "/", 200),
        ("profile", "gold", "/profile/", 200),
        ("benefits", "gold", "/contracts/benefits/", 200),
        ("register", "gold", "/contracts/register/", 200),
        ("activation", "gold", "/contracts/activation/", 200),
        ("office365", "gold", "/incidents/office365/new/", 200),
        ("azure", "cloud", "/incidents/azure/new/", 200),
        ("business", "gold", "/incidents/business/", 200),
        ("csp", "csp", "/incidents/csp/", 200),
        ("confirmation", "gold", f"/incidents/submitted/{incident.number}/", 200),
        ("manage-list", "gold", "/incidents/manage/", 200),
        ("manage-detail", "gold", f"/incidents/manage/{incident.number}/", 200),
        ("queue-list", "engineer", "/incidents/queue/", 200),
        ("queue-detail", "engineer", f"/incidents/queue/{queued.number}/", 200),
        ("not-found", "gold", "/incidents/manage/SR-000000-000000/", 404),
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_main_page_renders_in_the_language_without_breaking_a_narrow_screen(
    _browser, live_server, lang
):
    call_command("load_demo", stdout=StringIO())
    User.objects.filter(profile_completed_at__isnull=True).update(
        profile_completed_at="2026-01-01T00:00:00Z"
    )
    english = source_messages(lang)
    out = Path(ARTIFACTS) / "i18n" / lang
    out.mkdir(parents=True, exist_ok=True)
    contexts, problems = {}, []

    def signed_in(username):
        if username not in contexts:
            context = _browser.new_context(
                base_url=live_server.url,
                viewport={"width": WIDTH, "height": 844},
                device_scale_factor=1,
                is_mobile=True,
                has_touch=True,
            )
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.on(
                "console",
                lambda msg: (
                    problems.append(f"{username}: {msg.text}")
                    if msg.type == "error" and "Content Security Policy" in msg.text
                    else None
                ),
            )
            page.on("pageerror", lambda exc: problems.append(f"{username}: {exc}"))
            if username is not None:
                login(page, username, password="demo-portal-2024")
                page.wait_for_url("**/")
            context.add_cookies(
                [{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": live_server.url}]
            )
            contexts[username] = page
        return contexts[username]

    try:
        for name, username, url, status in pages_of_the_demo():
            page = signed_in(username)
            response = page.goto(url)
            where = f"{lang} {name} ({url})"
            if response is None or response.status != status:
                problems.append(f"{where}: HTTP {response.status if response else '?'}")
                continue
            page.screenshot(path=str(out / f"{name}.png"), full_page=True)
            if page.locator("html").get_attribute("lang") != lang:
                problems.append(f"{where}: <html lang> is not {lang}")
            text = page.locator("body").inner_text()
            if match := PLACEHOLDER.search(text):
                problems.append(f"{where}: placeholder {match.group(0)!r} on the page")
            untranslated = untranslated_on(text, english) if lang != "en" else []
            if untranslated:
                problems.append(f"{where}: in English: {untranslated[:5]}")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > WIDTH:
                wide = page.evaluate(
                    """(limit) => [...document.querySelectorAll('body *')]
                        .filter(e => e.getBoundingClientRect().right > limit + 1)
                        .slice(0, 3)
                        .map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.'))""",
                    WIDTH,
                )
                problems.append(f"{where}: {width}px wide (> {WIDTH}px): {wide}")
    finally:
        for page in contexts.values():
            page.context.close()
    assert not problems, "\n".join(problems)
    assert len(os.listdir(out)) >= 16
