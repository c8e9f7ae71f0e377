"""Issue 20: the incident wizards can be completed with the keyboard alone.

Nothing here clicks: focus moves with Tab, lists and radios change with the arrow keys,
boxes with Space, forms go with Enter. On every step axe-core must find no WCAG 2.2 AA
violation, and the step list is announced as progress (aria-current="step").
"""

import importlib

import pytest
from django.apps import apps
from django.conf import settings

from contracts.models import ContractKind, Platform
from incidents.csp import RequestType
from incidents.forms.azure import PROFESSIONAL
from incidents.models import Incident, Status
from partners.models import (
    AzureSubscription,
    CspRole,
    CustomerPartner,
    CustomerRelationship,
    SubscriptionRole,
)
from tests.browser.conftest import axe_violations
from tests.browser.test_azure import azure_catalogue
from tests.builders import PASSWORD, make_contract, make_partner, make_user
from tests.contracts.helpers import action_pack_partner, make_admin
from tests.i18n.compiled import compile_catalogues
from tests.incidents.test_business_wizard import make_onprem_catalogue
from tests.incidents.test_csp_requests import make_customer, make_subscription
from tests.incidents.test_office365_wizard import o365_catalogue

LANGUAGES = [code for code, _name in settings.LANGUAGES]


@pytest.fixture(autouse=True)
def _seed_data(transactional_db):
    # A live-server test flushes the database afterwards, seed rows included; put them back.
    seed = importlib.import_module("partners.migrations.0002_seed_competencies_and_eligibility")
    seed.seed(apps, None)


@pytest.fixture(scope="module", autouse=True)
def _compiled():
    compile_catalogues()


# --- keyboard helpers -----------------------------------------------------------------

FOCUSED_MATCHES = "(s) => !!document.activeElement && document.activeElement.matches(s)"


def tab_to(page, selector, limit=120):
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED_MATCHES, selector):
            return
    raise AssertionError(f"Tab never reaches {selector}")


def type_into(page, name, text):
    tab_to(page, f"[name='{name}']")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(text)


def pick(page, name, label):
    """Choose an option of a drop-down with the arrow keys, once it has been loaded."""
    select = page.locator(f"select[name='{name}']")
    select.locator("option", has_text=label).first.wait_for(state="attached")
    tab_to(page, f"select[name='{name}']")
    for _ in range(select.locator("option").count()):
        if label in select.evaluate("s => s.options[s.selectedIndex].text"):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {label!r} in {name}")


def radio(page, name, value):
    """Move to a radio group with Tab and choose ``value`` with the arrow keys."""
    tab_to(page, f"input[type=radio][name='{name}']")
    page.keyboard.press("Space")
    buttons = page.locator(f"input[type=radio][name='{name}']")
    for _ in range(buttons.count()):
        if page.locator(f"input[type=radio][name='{name}'][value='{value}']").is_checked():
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no radio {value!r} in {name}")


def press_continue(page):
    """Submit with Enter on the primary button, then wait for the next page."""
    tab_to(page, "main button.btn-primary[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def keyboard_login(page, username, lang):
    page.set_default_timeout(20_000)  # the dependent lists load over a busy live server
    page.goto("/accounts/login/")
    type_into(page, "username", username)
    type_into(page, "password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": page.url}]
    )


def assert_accessible_step(page, progress="ol[aria-label]"):
    """axe finds nothing, and exactly one step of the progress list is the current one."""
    assert axe_violations(page) == []
    steps = page.locator(progress)
    assert steps.count() == 1
    current = steps.locator("> li[aria-current=step]")
    assert current.count() == 1, "the current step is not announced"
    return current.inner_text()


# --- the wizards ------------------------------------------------------------------------


def wait_for_field(page, name):
    page.locator(f"[name='{name}']").first.wait_for(state="attached")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_office365_wizard_by_keyboard_alone(page, partner_user, lang):
    o365_catalogue()
    keyboard_login(page, partner_user.username, lang)
    page.goto("/incidents/office365/new/")
    assert page.locator("html").get_attribute("lang") == lang

    assert_accessible_step(page)
    # A failed step: the error summary takes the focus and its links lead to the fields.
    press_continue(page)
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert_accessible_step(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") == "problem-issue_type"

    pick(page, "problem-issue_type", "Technical issue")
    pick(page, "problem-service", "Exchange Online")
    pick(page, "problem-service_area", "Mail flow")
    pick(page, "problem-problem_area", "Messages delayed")
    press_continue(page)

    wait_for_field(page, "description-title")
    assert assert_accessible_step(page) == page.locator("h1").inner_text()
    type_into(page, "description-title", "Outbound mail is delayed")
    type_into(page, "description-description", "Mail to external recipients waits for hours.")
    type_into(page, "description-contact_phone", "+36 1 234 5678")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter in a text field means Continue

    wait_for_field(page, "supporting-tenant_domain")
    assert_accessible_step(page)
    radio(page, "supporting-severity", "A")
    tab_to(page, "input[name='supporting-is_24x7']")
    page.keyboard.press("Space")
    type_into(page, "supporting-tenant_domain", "contoso.onmicrosoft.com")
    type_into(page, "supporting-users_affected", "40")
    tab_to(page, "input[name='supporting-started_at']")
    page.keyboard.type("01102026")  # month, day, year: each part moves on by itself
    page.keyboard.press("ArrowRight")
    page.keyboard.type("0900AM")
    type_into(page, "supporting-what_tried", "Restarted the connector.")
    press_continue(page)

    wait_for_field(page, "attach-attachments")
    assert_accessible_step(page)
    press_continue(page)

    number = page.get_by_test_id("incident-number")
    number.wait_for()
    assert axe_violations(page) == []
    incident = Incident.objects.get()
    assert number.inner_text() == incident.number
    assert incident.status == Status.SUBMITTED
    assert (incident.severity, incident.is_24x7) == ("A", True)
    assert "2026-01-10" in str(incident.facts), incident.facts  # the date typed part by part


def current_stage(page):
    """The name of the stage announced as the current step, after axe has checked the page."""
    assert_accessible_step(page, "ol.business-stages")
    return page.locator("ol.business-stages > li[aria-current=step]").get_attribute("data-stage")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_business_wizard_by_keyboard_alone(page, partner_user, lang):
    make_onprem_catalogue()
    make_contract(
        partner_user.partner,
        kind=ContractKind.PRODUCT_SUPPORT,
        units=20,
        register_to=partner_user,
        name="Partner support Gold 20-pack",
    )
    keyboard_login(page, partner_user.username, lang)
    page.goto("/incidents/business/")

    assert current_stage(page) == "problem"
    pick(page, "problem-product", "SQL Server")
    pick(page, "problem-version", "2022")
    pick(page, "problem-category", "Performance")
    page.locator("#suggested-articles a", has_text="Troubleshoot slow queries").wait_for()
    pick(page, "problem-problem", "Slow queries")
    type_into(page, "problem-title", "Reports are slow")
    type_into(page, "problem-description", "Since the last update, reports take 10 minutes.")
    press_continue(page)

    assert current_stage(page) == "support"
    radio(page, "support-severity", "B")
    press_continue(page)

    assert current_stage(page) == "contact"
    press_continue(page)
    assert current_stage(page) == "share"
    press_continue(page)
    assert current_stage(page) == "review"
    press_continue(page)

    number = page.get_by_test_id("incident-number")
    number.wait_for()
    assert axe_violations(page) == []
    incident = Incident.objects.get()
    assert number.inner_text() == incident.number
    assert incident.title == "Reports are slow" and incident.severity == "B"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_azure_wizard_by_keyboard_alone_adding_a_contract_on_the_way(page, partner_user, lang):
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
    keyboard_login(page, partner_user.username, lang)
    page.goto("/incidents/azure/new/")

    assert_accessible_step(page)
    radio(page, "options-option", PROFESSIONAL)
    press_continue(page)

    wait_for_field(page, "topic-product")
    assert_accessible_step(page)
    pick(page, "topic-product", "Virtual Machines")
    pick(page, "topic-problem_type", "Connectivity")
    pick(page, "topic-category", "Cannot connect with RDP")
    press_continue(page)

    # The contract is added inline: the Add button is reached with Tab and pressed with Enter.
    wait_for_field(page, "add-access_id")
    assert_accessible_step(page)
    type_into(page, "add-access_id", "SCS-ACCESS-1")
    type_into(page, "add-contract_id", "SCS-CONTRACT-1")
    tab_to(page, "button[name=add_contract]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_accessible_step(page)
    assert page.locator(f"input[name='contract-contract'][value='{contract.pk}']").is_checked()
    press_continue(page)

    wait_for_field(page, "contact-phone")
    assert_accessible_step(page)
    type_into(page, "contact-phone", "+36 1 234 5678")
    press_continue(page)

    wait_for_field(page, "details-title")
    assert_accessible_step(page)
    type_into(page, "details-title", "VM unreachable over RDP")
    type_into(page, "details-description", "RDP times out since the maintenance window.")
    pick(page, "details-subscription", "Contoso production")
    radio(page, "details-severity", "B")
    tab_to(page, "input[name='details-started_at']")
    page.keyboard.type("01102026")
    page.keyboard.press("ArrowRight")
    page.keyboard.type("0900AM")
    press_continue(page)

    number = page.get_by_test_id("incident-number")
    number.wait_for()
    assert axe_violations(page) == []
    incident = Incident.objects.get()
    assert number.inner_text() == incident.number
    assert incident.contract == contract and incident.severity == "B"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_csp_request_by_keyboard_alone(page, lang):
    distributor = make_partner("Tailspin Distribution", csp_role=CspRole.INDIRECT_PROVIDER)
    reseller = make_partner("Litware Reseller", csp_role=CspRole.INDIRECT_RESELLER)
    user = make_user(reseller, username="resell", first_name="Rita", last_name="Reseller")
    customer = make_customer(distributor, CustomerRelationship.PROVIDER)
    CustomerPartner.objects.create(
        customer=customer, partner=reseller, relationship=CustomerRelationship.RESELLER
    )
    subscription = make_subscription(customer, provider=distributor)
    keyboard_login(page, user.username, lang)
    page.goto("/incidents/csp/")
    assert axe_violations(page) == []

    # Links and buttons are reached with Tab and followed with Enter.
    href = page.locator("main a", has_text="Woodgrove Bank").get_attribute("href")
    tab_to(page, f"main a[href='{href}']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert axe_violations(page) == []
    radio(page, "service", Platform.AZURE)
    tab_to(page, "[data-testid=choose-service]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    page.get_by_test_id("submit-request").wait_for()
    assert axe_violations(page) == []
    radio(page, "request_type", RequestType.TECHNICAL)
    pick(page, "subscription", subscription.name)
    type_into(page, "title", "VMs fail to start")
    type_into(page, "description", "Every VM in the resource group stays in Starting.")
    radio(page, "severity", "B")
    type_into(page, "contact_phone", "+36 1 555 0100")
    tab_to(page, "[data-testid=submit-request]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    number = page.get_by_test_id("incident-number")
    number.wait_for()
    assert axe_violations(page) == []
    incident = Incident.objects.get()
    assert incident.customer == customer and incident.subscription == subscription


@pytest.mark.parametrize("lang", ["en", "cs"])
def test_activation_request_and_benefits_by_keyboard_alone(page, db, lang):
    partner = action_pack_partner(name="Contoso Action Pack")
    make_contract(partner, kind=ContractKind.PRODUCT_SUPPORT, units=10, activated=False)
    make_admin(partner, username="apadmin")
    keyboard_login(page, "apadmin", lang)

    # My benefits: "Why is it (blank)?" opens with Enter on its summary.
    page.goto("/contracts/benefits/")
    assert axe_violations(page) == []
    tab_to(page, "main details summary")
    page.keyboard.press("Enter")
    assert page.locator("main details").first.get_attribute("open") is not None
    assert axe_violations(page) == []

    page.goto("/contracts/activation/")
    assert_accessible_step(page)
    location = page.locator("input[name='benefit-location']").first.get_attribute("value")
    radio(page, "benefit-location", location)
    press_continue(page)
    wait_for_field(page, "contact-phone")
    assert_accessible_step(page)
    type_into(page, "contact-phone", "+36 1 555 0100")
    press_continue(page)
    assert_accessible_step(page)
    press_continue(page)
    page.wait_for_url("**/sent/")
    assert axe_violations(page) == []


@pytest.mark.parametrize("lang", ["en", "hu"])
def test_profile_and_contract_registration_by_keyboard_alone(page, db, lang):
    partner = make_partner("Northwind Cloud", competencies=["Cloud Productivity"])
    make_user(partner, username="nora", profile_done=False, first_name="Nora")
    contract = make_contract(partner, access_id="ACC-778899", contract_id="CON-112233")
    keyboard_login(page, "nora", lang)

    # The profile wizard, which a new user meets first.
    page.goto("/profile/")
    assert_accessible_step(page)
    type_into(page, "name-email", "nora@northwind.example")
    press_continue(page)
    wait_for_field(page, "contact-phone")
    assert_accessible_step(page)
    type_into(page, "contact-phone", "+36 1 234 5678")
    radio(page, "contact-contact_method", "phone")
    press_continue(page)
    assert_accessible_step(page)
    press_continue(page)
    page.wait_for_url(lambda url: url.rstrip("/").count("/") == 2)  # the site root
    assert axe_violations(page) == []

    # Registering a contract: the two IDs, then Enter.
    page.goto("/contracts/register/")
    type_into(page, "access_id", "ACC-778899")
    type_into(page, "contract_id", "CON-112233")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert axe_violations(page) == []
    assert contract.registrations.filter(user__username="nora").exists()


def test_the_language_switcher_waits_for_the_button_when_used_by_keyboard(page, partner_user):
    keyboard_login(page, partner_user.username, "en")
    tab_to(page, "#language-switcher")
    go = page.locator("#language-switcher ~ button[type=submit]")
    assert go.is_hidden()
    page.keyboard.press("ArrowDown")  # the next language: nothing happens yet
    page.wait_for_timeout(500)
    assert page.locator("html").get_attribute("lang") == "en"
    assert go.is_visible()
    chosen = page.locator("#language-switcher").input_value()
    assert chosen != "en"
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("html").get_attribute("lang") == chosen
