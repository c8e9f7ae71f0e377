"""Real-browser tests: Playwright for Python driving Debian's Chromium (/usr/bin/chromium).

Playwright cannot download its own browser here, so we point it at the system one.
Tests are marked ``browser``; they are skipped when Chromium is not installed.
CSP violations reported by the browser fail the test (issue 9).
"""

import os
import shutil
import tempfile

import pytest

from tests.builders import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = os.environ.get("TEST_ARTIFACTS", "test-artifacts")

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def _browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="chromium-")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(_browser, live_server, request):
    """A fresh browser context per test; fails the test on any CSP violation or JS error."""
    context = _browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = []
    page.on(
        "console",
        lambda msg: (
            problems.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.csp_problems = problems
    yield page
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        os.makedirs(ARTIFACTS, exist_ok=True)
        page.screenshot(path=os.path.join(ARTIFACTS, f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not problems, f"browser reported: {problems}"


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


def login(page, username, password=PASSWORD):
    """Sign in through the real log-in form."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")


# --- accessibility (issue 20) -------------------------------------------------------

AXE_SOURCE = os.path.join(os.path.dirname(__file__), "vendor", "axe-core", "axe.min.js")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
_AXE_RUN = """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})
    .then(r => r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — '
        + v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ['
            + ((n.any[0] || n.all[0] || n.none[0] || {}).message || '') + ']').join(' | ')))"""


def axe_violations(page):
    """WCAG 2.2 AA violations axe-core finds on the current page, one line each.

    axe is a test asset (tests/browser/vendor/axe-core, from the npm registry). It is run
    through the DevTools protocol (page.evaluate), which the page's CSP does not govern,
    so nothing is loosened on the page under test.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        with open(AXE_SOURCE, encoding="utf-8") as source:
            page.evaluate(source.read())
    return page.evaluate(_AXE_RUN, WCAG_TAGS)
