"""Issue 20: every list is readable on a 390 px phone in Japanese and Korean.

The tables become one block per row, each value with its column name; nothing scrolls
sideways, Status and Updated stay in the viewport and a request number keeps to one line.
Screenshots go to test-artifacts/phone/<lang>/.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from incidents.models import Incident
from partners.models import User
from tests.browser.conftest import ARTIFACTS, axe_violations, login
from tests.i18n.compiled import compile_catalogues

WIDTH = 390
DEMO_PASSWORD = "demo-portal-2024"

# Where the cell of a column (by its header text) sits in the first body row.
CELL_BOX = """([table, header]) => {
    const t = document.querySelector(table);
    const heads = [...t.querySelectorAll('thead th')].map(th => th.textContent.trim());
    // A header may carry a note after its name, e.g. the time zone: "Response due (UTC)".
    const index = heads.findIndex(h => h === header || h.startsWith(header + ' '));
    if (index < 0) return {missing: heads};
    const cell = t.querySelector('tbody tr').children[index];
    const box = cell.getBoundingClientRect();
    return {left: box.left, right: box.right, width: box.width, height: box.height,
            label: cell.dataset.label || null, text: cell.innerText};
}"""
NUMBER_LINES = """(table) => {
    const link = document.querySelector(table + ' tbody tr a');
    return {lines: link.getClientRects().length, text: link.textContent.trim()};
}"""


@pytest.fixture(scope="module", autouse=True)
def _compiled():
    compile_catalogues()


def lists():
    """(name, user, url, table, columns that must stay on screen)."""
    return [
        ("manage-list", "gold", "/incidents/manage/", "[data-testid=manage-list]",
         ["Number", "Status", "Updated"]),
        ("queue", "engineer", "/incidents/queue/", "[data-testid=queue]",
         ["Number", "Status", "Response due"]),
        ("register", "gold", "/contracts/register/", "main table", ["Status", "Remaining"]),
        ("benefits", "gold", "/contracts/benefits/", "main table", ["Remaining"]),
    ]  # fmt: skip


@pytest.mark.parametrize("lang", ["ja", "ko"])
def test_every_list_fits_a_390px_phone(_browser, live_server, lang):
    call_command("load_demo", stdout=StringIO())
    User.objects.filter(profile_completed_at__isnull=True).update(
        profile_completed_at="2026-01-01T00:00:00Z"
    )
    assert Incident.objects.exists()
    out = Path(ARTIFACTS) / "phone" / lang
    out.mkdir(parents=True, exist_ok=True)
    problems, contexts = [], {}

    def signed_in(username):
        if username not in contexts:
            context = _browser.new_context(
                base_url=live_server.url,
                viewport={"width": WIDTH, "height": 844},
                is_mobile=True,
                has_touch=True,
            )
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.on("pageerror", lambda exc: problems.append(f"{username}: {exc}"))
            login(page, username, password=DEMO_PASSWORD)
            page.wait_for_url("**/")
            context.add_cookies(
                [{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": live_server.url}]
            )
            contexts[username] = page
        return contexts[username]

    try:
        for name, username, url, table, columns in lists():
            page = signed_in(username)
            page.goto(url)
            page.wait_for_load_state("load")
            page.screenshot(path=str(out / f"{name}.png"), full_page=True)
            where = f"{lang} {name}"
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > WIDTH:
                problems.append(f"{where}: the page is {width}px wide")
            right = page.evaluate(f"document.querySelector('{table}').scrollWidth")
            if right > WIDTH:
                problems.append(f"{where}: the table is {right}px wide")
            for column in columns:
                with translation.override(lang):
                    header = translation.gettext(column)
                box = page.evaluate(CELL_BOX, [table, header])
                if "missing" in box:
                    problems.append(f"{where}: no column {header!r} in {box['missing']}")
                elif box["left"] < 0 or box["right"] > WIDTH or not box["width"]:
                    problems.append(f"{where}: {column} is off screen: {box}")
                elif not (box["label"] or "").startswith(header) and name != "benefits":
                    problems.append(f"{where}: {column} is shown without its name: {box}")
            if name in ("manage-list", "queue"):
                number = page.evaluate(NUMBER_LINES, table)
                if number["lines"] != 1:
                    problems.append(f"{where}: the number {number} wraps")
            problems += [f"{where}: {v}" for v in axe_violations(page)]
    finally:
        for page in contexts.values():
            page.context.close()
    assert not problems, "\n".join(problems)
