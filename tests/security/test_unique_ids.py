"""No page has two elements with the same id (a label would point at the wrong box).

Every GET page of the access matrix is opened as each persona that may open it and
its HTML parsed; a duplicate id fails with the page, the persona and the id.
"""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest

from tests.security.test_access_matrix import (  # noqa: F401 - world is a fixture
    APP_URL_NAMES,
    RULES,
    url_for,
    world,
)

PAGES = [name for name in APP_URL_NAMES if name in RULES and not RULES[name].post_only]


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.ids.extend(value for name, value in attrs if name == "id" and value)

    handle_startendtag = handle_starttag


def duplicate_ids(html: str) -> list[str]:
    parser = _Ids()
    parser.feed(html)
    return [value for value, count in Counter(parser.ids).items() if count > 1]


def test_the_checker_finds_a_duplicate():
    assert duplicate_ids(
        '<label for="id_body"></label><textarea id="id_body"></textarea>'
        '<textarea id="id_body"></textarea>'
    ) == ["id_body"]


@pytest.mark.parametrize("persona", ["a", "engineer", "staff"])
@pytest.mark.parametrize("name", PAGES)
def test_no_page_repeats_an_id(client, world, name, persona):  # noqa: F811
    client.force_login(world[persona])
    response = client.get(url_for(name, world))
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        pytest.skip(f"{name} is not an HTML page for {persona} ({response.status_code})")
    assert duplicate_ids(response.content.decode()) == [], (name, persona)
