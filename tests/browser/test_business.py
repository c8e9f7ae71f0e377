"""A partner goes through the vertical Support for Business flow in a real browser (issue 7)."""

import importlib
import re

import pytest
from django.apps import apps
from django.core import mail

from contracts.models import ContractKind
from incidents.models import Incident, IncidentContact
from tests.browser.conftest import login
from tests.builders import make_contract, make_user
from tests.incidents.test_business_wizard import make_onprem_catalogue

URL = "/incidents/business/"


@pytest.fixture(autouse=True)
def _seed_data(transactional_db):
    # A live-server test flushes the database afterwards, seed rows included; put them back.
    seed = importlib.import_module("partners.migrations.0002_seed_competencies_and_eligibility")
    seed.seed(apps, None)


def choose(page, name, label):
    select = page.locator(f"select[name='{name}']")
    select.locator("option", has_text=label).wait_for(state="attached")
    select.select_option(label=label)


def stage(page, name):
    return page.locator(f"[data-stage='{name}']")


def test_a_partner_submits_a_business_request_for_a_colleague_and_edits_from_review(
    page, partner_user
):
    catalogue = make_onprem_catalogue()
    colleague = make_user(partner_user.partner, username="carla", first_name="Carla")
    contract = make_contract(
        partner_user.partner,
        kind=ContractKind.PRODUCT_SUPPORT,
        units=20,
        register_to=partner_user,
        name="Partner support Gold 20-pack",
    )
    make_contract(partner_user.partner, register_to=partner_user, name="Signature Cloud")
    login(page, partner_user.username)
    page.wait_for_url("**/")
    page.goto(URL)

    # All six stages are stacked; the first is open.
    titles = page.locator("[data-stage] h2").all_inner_texts()
    assert [re.sub(r"^\W*", "", t) for t in titles] == [
        "Step 1: Tell us about the problem",
        "Step 2: Type of support",
        "Step 3: Primary contact",
        "Step 4: Share this request",
        "Step 5: Review",
        "Step 6: Submit",
    ]
    assert stage(page, "problem").get_attribute("data-state") == "current"

    # Step 1: the lists follow each other instantly; self-help appears with the category.
    assert page.locator("[name=refresh_lists]").is_hidden()
    assert page.locator("#suggested-articles").is_hidden()
    choose(page, "problem-product", "SQL Server")
    choose(page, "problem-version", "2022")
    choose(page, "problem-category", "Performance")
    page.get_by_role("link", name="Troubleshoot slow queries").wait_for()
    choose(page, "problem-problem", "Slow queries")
    page.get_by_label("Title").fill("Reports are slow")
    page.get_by_label("Description").fill("Since the last update, reports take 10 minutes.")
    page.get_by_role("button", name="Continue").click()

    # Step 2: the usable plan with units left; the Signature Cloud one is listed as unavailable.
    support = stage(page, "support")
    support.get_by_text("Show unavailable support plans").wait_for()
    assert stage(page, "problem").get_attribute("data-state") == "done"
    assert "Reports are slow" in stage(page, "problem").inner_text()
    assert "20 incidents left" in support.inner_text()
    support.get_by_text("Show unavailable support plans").click()
    assert "cloud products only" in support.inner_text()
    twenty_four_seven = page.get_by_label("I need 24/7 support")
    page.get_by_label(re.compile("B — moderate")).check()
    assert twenty_four_seven.is_hidden()  # offered only with severity A
    page.get_by_label(re.compile("A — critical")).check()
    twenty_four_seven.check()
    assert page.get_by_label("Time zone").input_value() == partner_user.time_zone
    page.get_by_label("Time zone").select_option("Europe/Budapest")
    page.get_by_role("button", name="Continue").click()

    # Step 3: primary contact defaults to me; make Carla primary.
    stage(page, "contact").get_by_text("Primary contact").first.wait_for()
    assert page.get_by_label(re.compile(partner_user.email)).is_checked()
    page.get_by_label(re.compile("carla@example.com")).check()
    page.get_by_role("button", name="Continue").click()

    # Step 4: the warning, since I am neither primary nor an additional contact.
    page.get_by_test_id("not-a-contact-warning").wait_for()
    page.get_by_role("button", name="Continue").click()

    # Step 5: review warns too; add myself through Edit, then fix the title through Edit.
    page.get_by_text("Check your answers").wait_for()
    assert page.get_by_test_id("not-a-contact-warning").is_visible()
    page.get_by_role("button", name="Edit Share this request").click()
    page.get_by_label(re.compile(partner_user.email)).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("Check your answers").wait_for()
    assert page.get_by_test_id("not-a-contact-warning").count() == 0
    page.get_by_role("button", name="Edit Tell us about the problem").click()
    page.get_by_label("Title").fill("Reports are very slow")
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("Check your answers").wait_for()
    assert "Reports are very slow" in page.content()
    page.get_by_role("button", name="Submit request").click()

    # Step 6: confirmation; one unit used; only Carla got the e-mail.
    number = page.get_by_test_id("incident-number")
    number.wait_for()
    incident = Incident.objects.get()
    assert number.inner_text() == incident.number
    assert incident.title == "Reports are very slow"
    assert (incident.severity, incident.is_24x7) == ("A", True)
    assert incident.product_version == catalogue["current"]
    contract.refresh_from_db()
    assert contract.units_used == 1
    contacts = {c.user_id: c.is_primary for c in IncidentContact.objects.all()}
    assert contacts == {colleague.pk: True, partner_user.pk: False}
    assert [m.to for m in mail.outbox] == [["carla@example.com"]]


def test_without_javascript_update_lists_narrows_versions_and_shows_self_help(
    _browser, live_server, partner_user
):
    make_onprem_catalogue()
    context = _browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login(page, partner_user.username)
        page.wait_for_url("**/")
        page.goto(URL)
        refresh = page.locator("[name=refresh_lists]")
        assert refresh.is_visible()
        page.select_option("select[name='problem-product']", label="SQL Server")
        refresh.click()
        versions = page.locator("select[name='problem-version'] option").all_inner_texts()
        assert versions[1:] == ["2022", "2012 (mainstream support ended 11 July 2017)"] or (
            "2022" in versions[1] and "2012" in versions[2]
        )
        page.select_option("select[name='problem-category']", label="Performance")
        page.locator("[name=refresh_lists]").click()
        page.get_by_role("link", name="Troubleshoot slow queries").wait_for()
        options = page.locator("select[name='problem-problem'] option").all_inner_texts()
        assert options[1:] == ["Slow queries"]
    finally:
        context.close()
