"""A partner clicks through the Microsoft Azure incident wizard in a real browser (issue 5)."""

import importlib
import re

import pytest
from django.apps import apps
from django.core import mail

from contracts.models import ContractRegistration, Platform
from incidents.models import Incident, Status, Tree
from partners.models import AzureSubscription, SubscriptionRole
from tests.browser.conftest import login
from tests.builders import make_contract, make_product, make_topic_path

URL = "/incidents/azure/new/"


@pytest.fixture(autouse=True)
def _seed_data(transactional_db):
    # A live-server test flushes the database afterwards, the migration's seed data
    # (competencies, eligibility rules) included; put it back so order does not matter.
    seed = importlib.import_module("partners.migrations.0002_seed_competencies_and_eligibility")
    seed.seed(apps, None)


def azure_catalogue():
    product = make_product("Microsoft Azure", Platform.AZURE)
    root = make_topic_path(
        Tree.AZURE, "Virtual Machines", "Connectivity", "Cannot connect with RDP"
    )[0]
    root.product = product
    root.save()
    make_topic_path(Tree.AZURE, "Virtual Machines", "Performance", "High CPU")
    make_topic_path(Tree.AZURE, "Storage", "Blobs", "Slow uploads")
    return product


def choose(page, name, label):
    """Pick an option once the script has loaded it into the dependent list."""
    select = page.locator(f"select[name='{name}']")
    select.locator("option", has_text=label).wait_for(state="attached")
    select.select_option(label=label)


def test_a_partner_walks_all_steps_adding_a_contract_inline_and_sees_the_confirmation(
    page, partner_user
):
    azure_catalogue()
    subscription = AzureSubscription.objects.create(
        name="Contoso production", owner_partner=partner_user.partner
    )
    SubscriptionRole.objects.create(
        subscription=subscription, user=partner_user, role="service_admin"
    )
    contract = make_contract(
        partner_user.partner,
        name="Signature Cloud Support FY27",
        access_id="SCS-ACCESS-1",
        contract_id="SCS-CONTRACT-1",
        units=3,
    )
    login(page, partner_user.username)
    page.wait_for_url("**/")
    page.goto(URL)

    # Before step 1: the prerequisites; the contract one is not met yet.
    prerequisites = page.get_by_test_id("prerequisites")
    assert prerequisites.locator("[data-prerequisite=contract]").get_attribute("data-met") == "no"
    assert prerequisites.locator("[data-prerequisite=subscription]").get_attribute("data-met") == (
        "yes"
    )
    page.get_by_label(re.compile("Microsoft Professional Contract Support")).check()
    page.get_by_role("button", name="Continue").click()

    # Step 2: dependent lists filled instantly by the script; the no-JS button is hidden.
    page.get_by_role("heading", name="Product, problem type and category").wait_for()
    assert page.locator("button[name=refresh_lists]").is_hidden()
    choose(page, "topic-product", "Virtual Machines")
    choose(page, "topic-problem_type", "Connectivity")
    choose(page, "topic-category", "Cannot connect with RDP")
    page.get_by_role("button", name="Continue").click()

    # Step 3: no usable contract yet; add one by Access ID + Contract ID, then pick it.
    page.get_by_role("heading", name="Select a contract").wait_for()
    assert "You have no support plan that can be used" in page.content()
    page.get_by_label("Access ID").fill("SCS-ACCESS-1")
    page.get_by_label("Contract ID").fill("SCS-CONTRACT-1")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_text("SCS-CONTRACT-1 is registered to your account").wait_for()
    assert ContractRegistration.objects.filter(contract=contract, user=partner_user).exists()
    plan = page.get_by_label(re.compile("Signature Cloud Support FY27"))
    assert plan.is_checked()
    page.get_by_role("button", name="Continue").click()

    # Step 4: contact information prefilled from the profile.
    page.get_by_role("heading", name="Your contact information").wait_for()
    assert page.get_by_label("E-mail address").input_value() == partner_user.email
    page.get_by_label("Telephone number").fill("+36 1 234 5678")
    page.get_by_label("Time zone").select_option("Europe/Budapest")
    page.get_by_role("button", name="Continue").click()

    # Step 5: 24/7 with severity B is refused and the entries stay; then severity A.
    page.get_by_role("heading", name="Problem details").wait_for()
    page.get_by_label("Title").fill("VM unreachable over RDP")
    page.get_by_label("Description").fill("RDP times out since the maintenance window.")
    page.get_by_label("Azure subscription").select_option(str(subscription.pk))
    page.get_by_label(re.compile("B — moderate")).check()
    page.get_by_label(re.compile("24/7 support")).check()
    page.get_by_label("Error message").fill("The remote computer could not be reached")
    page.get_by_label("When did the problem start?").fill("2026-01-10T09:00")
    page.get_by_label("Files").set_input_files(
        [{"name": "rdp.log", "mimeType": "text/plain", "buffer": b"09:00 timeout\n"}]
    )
    page.get_by_role("button", name="Submit").click()
    page.get_by_text("There is a problem").wait_for()
    assert "only with severity A" in page.locator(".error-summary").inner_text()
    assert page.get_by_label("Title").input_value() == "VM unreachable over RDP"
    assert "rdp.log" in page.content()  # kept from the refused attempt
    page.get_by_label(re.compile("A — critical")).check()
    page.get_by_role("button", name="Submit").click()

    # Confirmation: number and first-response due time; one unit taken; e-mail sent.
    number = page.get_by_test_id("incident-number")
    number.wait_for()
    incident = Incident.objects.get()
    assert number.inner_text() == incident.number
    assert "An engineer will respond by" in page.content()
    assert incident.status == Status.SUBMITTED
    assert incident.severity == "A" and incident.is_24x7
    assert incident.contract == contract and incident.unit_consumed
    assert [a.original_name for a in incident.attachments.all()] == ["rdp.log"]
    contract.refresh_from_db()
    assert contract.units_used == 1
    assert [m.to for m in mail.outbox] == [[partner_user.email]]


def test_without_javascript_the_update_lists_button_narrows_the_azure_lists(
    _browser, live_server, partner_user
):
    azure_catalogue()
    subscription = AzureSubscription.objects.create(
        name="Contoso production", owner_partner=partner_user.partner
    )
    SubscriptionRole.objects.create(subscription=subscription, user=partner_user, role="co_admin")
    context = _browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login(page, partner_user.username)
        page.wait_for_url("**/")
        page.goto(URL)
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("heading", name="Product, problem type and category").wait_for()
        refresh = page.locator("button[name=refresh_lists]")
        assert refresh.is_visible()
        page.select_option("select[name='topic-product']", label="Virtual Machines")
        refresh.click()
        page.locator("select[name='topic-problem_type'] option", has_text="Connectivity").wait_for(
            state="attached"
        )
        types = page.locator("select[name='topic-problem_type'] option").all_inner_texts()
        assert sorted(types[1:]) == ["Connectivity", "Performance"]
        page.select_option("select[name='topic-problem_type']", label="Connectivity")
        page.locator("button[name=refresh_lists]").click()
        page.select_option("select[name='topic-category']", label="Cannot connect with RDP")
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("heading", name="Select a contract").wait_for()
    finally:
        context.close()
