"""A personal-account user buys one incident from the Support for Business plan step,
finishes the request with it and sees 0 left on My benefits (issue 19)."""

import importlib
import re
from decimal import Decimal

import pytest
from django.apps import apps

from incidents.models import Incident
from partners.models import Region, User
from purchases.models import Order, PriceListEntry
from tests.browser.conftest import login
from tests.builders import make_user
from tests.incidents.test_business_wizard import make_onprem_catalogue

URL = "/incidents/business/"


@pytest.fixture(autouse=True)
def _seed_data(transactional_db):
    seed = importlib.import_module("partners.migrations.0002_seed_competencies_and_eligibility")
    seed.seed(apps, None)


def choose(page, name, label):
    select = page.locator(f"select[name='{name}']")
    select.locator("option", has_text=label).wait_for(state="attached")
    select.select_option(label=label)


def test_a_personal_account_buys_one_incident_inside_the_business_wizard(page, partner):
    catalogue = make_onprem_catalogue()
    PriceListEntry.objects.create(
        product=catalogue["product"],
        region=Region.EMEA,
        currency="EUR",
        price_single=Decimal("459.00"),
        five_pack_offered=True,
        price_five_pack=Decimal("1999.00"),
    )
    buyer = make_user(partner, username="petra", account_kind=User.AccountKind.PERSONAL)
    login(page, buyer.username)
    page.wait_for_url("**/")
    page.goto(URL)

    # Step 1, then the plan step: no plan yet, so buy one from there.
    choose(page, "problem-product", "SQL Server")
    choose(page, "problem-version", "2022")
    choose(page, "problem-category", "Performance")
    choose(page, "problem-problem", "Slow queries")
    page.get_by_label("Title").fill("Reports are slow")
    page.get_by_label("Description").fill("Since the last update, reports take 10 minutes.")
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("Need to buy or extend more support plans?").wait_for()
    page.get_by_label(re.compile("C — ")).check()
    page.get_by_test_id("buy-incident").click()

    # Choose 1 (the 5-pack is offered here, with the recommendation) → review → pay.
    page.get_by_label("5-pack (five incidents)").wait_for()
    assert "We recommend buying one incident" in page.content()
    page.get_by_label("One incident").check()
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_test_id("price").inner_text() == "459.00 EUR"
    page.get_by_test_id("pay").click()
    page.get_by_text("Tick the box to agree before paying.").first.wait_for()
    page.get_by_label(re.compile("charged immediately")).check()
    page.get_by_test_id("pay").click()
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_test_id("confirm-payment").click()

    # Receipt; back into the same request with the new plan chosen and the severity kept.
    page.get_by_role("heading", name="Receipt").wait_for()
    order = Order.objects.get()
    assert order.status == Order.Status.PAID
    page.get_by_test_id("return").click()
    page.get_by_text("Need to buy or extend more support plans?").wait_for()
    assert "Reports are slow" in page.locator("[data-stage='problem']").inner_text()
    plan = page.get_by_label(re.compile(re.escape(order.contract.contract_id)))
    assert plan.is_checked()
    assert "1 incident left" in plan.locator("xpath=..").inner_text()
    assert page.get_by_label(re.compile("C — ")).is_checked()
    page.get_by_role("button", name="Continue").click()
    page.locator("[data-stage='contact'][data-state='current']").wait_for()
    page.get_by_role("button", name="Continue").click()
    page.locator("[data-stage='share'][data-state='current']").wait_for()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Submit request").click()
    page.get_by_test_id("incident-number").wait_for()
    assert Incident.objects.get().contract_id == order.contract_id

    # My benefits: the plan with its end date and 0 left.
    page.goto("/contracts/benefits/")
    row = page.locator(f"[data-plan='{order.contract.contract_id}']")
    assert row.get_by_test_id("ppi-remaining").inner_text() == "0"
    page.set_viewport_size({"width": 390, "height": 800})
    assert page.get_by_role("link", name="Buy a support incident").is_visible()


def test_a_work_account_is_told_why_and_goes_back_to_its_request(page, partner_user):
    catalogue = make_onprem_catalogue()
    PriceListEntry.objects.create(
        product=catalogue["product"],
        region=Region.EMEA,
        currency="EUR",
        price_single=Decimal("459.00"),
        five_pack_offered=False,
    )
    login(page, partner_user.username)
    page.wait_for_url("**/")
    page.goto(URL)
    choose(page, "problem-product", "SQL Server")
    choose(page, "problem-version", "2022")
    choose(page, "problem-category", "Performance")
    choose(page, "problem-problem", "Slow queries")
    page.get_by_label("Title").fill("Reports are slow")
    page.get_by_label("Description").fill("Since the last update, reports take 10 minutes.")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label(re.compile("A — critical")).check()
    page.get_by_test_id("buy-incident").click()

    assert "work account (Microsoft Entra)" in page.get_by_test_id("refusal").inner_text()
    page.get_by_test_id("return").click()
    page.get_by_text("Need to buy or extend more support plans?").wait_for()
    assert page.get_by_label(re.compile("A — critical")).is_checked()
    assert "Reports are slow" in page.locator("[data-stage='problem']").inner_text()
    assert not Order.objects.exists()
