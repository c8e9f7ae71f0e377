"""Issue 20: axe-core finds no WCAG 2.2 AA violation on any page, in any language.

Every main page is visited as the persona who uses it, on the demo data, plus the error
state of each wizard's first step and the error pages. The wizards' later steps are
checked step by step by tests/browser/test_keyboard.py, which walks them by keyboard.
"""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from partners.models import User
from tests.browser.conftest import axe_violations, login
from tests.browser.test_i18n import pages_of_the_demo
from tests.i18n.compiled import compile_catalogues

LANGUAGES = [code for code, _name in settings.LANGUAGES]
DEMO_PASSWORD = "demo-portal-2024"


@pytest.fixture(scope="module", autouse=True)
def _compiled():
    compile_catalogues()


def more_pages():
    """(name, user, url, status, submit first: True or the fields to fill) beyond the main pages of test_i18n."""
    return [
        ("forbidden", "gold", "/incidents/queue/", 403, False),
        ("login-error", None, "/accounts/login/", 200, {"username": "nobody", "password": "x"}),
        ("office365-errors", "gold", "/incidents/office365/new/", 200, True),
        ("azure-errors", "cloud", "/incidents/azure/new/", 200, True),
        ("business-errors", "gold", "/incidents/business/", 200, True),
        ("register-errors", "gold", "/contracts/register/", 200, True),
        ("profile-errors", "gold", "/profile/", 200, True),
        ("activation-errors", "gold", "/contracts/activation/", 200, True),
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_axe_finds_no_wcag_violation_on_any_page(_browser, live_server, lang):
    call_command("load_demo", stdout=StringIO())
    User.objects.filter(profile_completed_at__isnull=True).update(
        profile_completed_at="2026-01-01T00:00:00Z"
    )
    pages = [(*row, False) for row in pages_of_the_demo()] + more_pages()
    contexts, problems = {}, []

    def signed_in(username):
        if username not in contexts:
            context = _browser.new_context(
                base_url=live_server.url, viewport={"width": 1280, "height": 900}
            )
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.on("pageerror", lambda exc: problems.append(f"{username}: {exc}"))
            if username is not None:
                login(page, username, password=DEMO_PASSWORD)
                page.wait_for_url("**/")
            context.add_cookies(
                [{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": live_server.url}]
            )
            contexts[username] = page
        return contexts[username]

    try:
        for name, username, url, status, submit in pages:
            page = signed_in(username)
            response = page.goto(url)
            if submit:
                for field, value in (submit if isinstance(submit, dict) else {}).items():
                    page.fill(f"main [name={field}]", value)
                with page.expect_navigation():
                    page.locator("main form[method=post] button[type=submit]:visible").last.click()
            where = f"{lang} {name} ({url})"
            got = response.status if response else None
            if got != status:
                problems.append(f"{where}: HTTP {got}")
                continue
            problems += [f"{where}: {v}" for v in axe_violations(page)]
    finally:
        for page in contexts.values():
            page.context.close()
    assert not problems, "\n".join(problems)
