"""Issue 20: small things a partner notices on every page."""

import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation

from tests.builders import make_user


def test_every_page_links_a_favicon_that_exists(partner_client):
    page = partner_client.get(reverse("home")).content.decode()
    href = re.search(r'<link rel="icon" href="([^"]+)"', page)
    assert href, "no favicon link"
    assert finders.find("favicon.svg")


def test_the_switcher_names_languages_as_the_profile_does(partner_client):
    page = partner_client.get(reverse("home")).content.decode()
    switcher = page[page.index('id="language-switcher"') :]
    switcher = switcher[: switcher.index("</select>")]
    for code, name in settings.LANGUAGES:
        assert f'value="{code}" lang="{code}"' in switcher
        assert f">{name}</option>" in switcher
    assert "česky" not in switcher


def test_korean_text_breaks_only_between_words():
    css = Path(finders.find("css/portal.css")).read_text()
    rule = re.search(r":lang\(ko\)\s*\{([^}]*)\}", css)
    assert rule and "word-break: keep-all" in rule.group(1)


def test_manage_support_requests_offers_a_new_request(partner_client):
    page = partner_client.get(reverse("incidents:manage_list")).content.decode()
    assert 'data-testid="create-request"' in page
    assert "Create a new support request" in page


def test_support_for_business_is_translated_on_the_home_page(client, partner):
    user = make_user(partner, username="kenji", language="ja")
    client.force_login(user)
    with translation.override("ja"):
        page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "ビジネス向けサポート" in page


def test_units_left_use_the_plural_form_of_the_language(partner):
    from contracts.models import ContractKind
    from tests.builders import make_contract

    one = make_contract(partner, kind=ContractKind.PRODUCT_SUPPORT, units=1)
    three = make_contract(partner, kind=ContractKind.ADVISORY, units=3)
    assert one.remaining_text == "1 incident left"
    assert three.remaining_text == "3 hours left"
    with translation.override("cs"):
        assert one.remaining_text == "Zbývá 1 incident"
        assert three.remaining_text == "Zbývají 3 hodiny"


def test_pages_show_dates_in_one_format():
    """'01/01/2028' on one page and 'Jan. 1, 2028' on another read as two dates (issue 20)."""
    from pathlib import Path as _Path

    templates = _Path(settings.BASE_DIR, "templates")
    short = [p for p in templates.rglob("*.html") if "SHORT_DATE_FORMAT" in p.read_text()]
    assert short == []
