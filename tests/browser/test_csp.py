"""A CSP partner raises a service request on behalf of a customer in a real browser (issue 7)."""

import importlib
import re

import pytest
from django.apps import apps
from django.core import mail
from django.utils import timezone

from incidents.models import Incident, MarketplaceProduct
from partners.models import CspRole, CustomerPartner, CustomerRelationship, ServiceHealthEvent
from tests.browser.conftest import login
from tests.builders import make_partner, make_user
from tests.incidents.test_csp_requests import make_customer, make_subscription


@pytest.fixture(autouse=True)
def _seed_data(transactional_db):
    # A live-server test flushes the database afterwards, seed rows included; put them back.
    seed = importlib.import_module("partners.migrations.0002_seed_competencies_and_eligibility")
    seed.seed(apps, None)


def test_a_reseller_checks_health_is_refused_non_technical_azure_and_raises_a_technical_one(
    page,
):
    distributor = make_partner("Tailspin Distribution", csp_role=CspRole.INDIRECT_PROVIDER)
    reseller = make_partner("Litware Reseller", csp_role=CspRole.INDIRECT_RESELLER)
    user = make_user(reseller, username="resell", first_name="Rita", last_name="Reseller")
    customer = make_customer(distributor, CustomerRelationship.PROVIDER)
    CustomerPartner.objects.create(
        customer=customer, partner=reseller, relationship=CustomerRelationship.RESELLER
    )
    subscription = make_subscription(customer, provider=distributor)
    ServiceHealthEvent.objects.create(
        customer=customer,
        service=ServiceHealthEvent.Service.AZURE,
        status=ServiceHealthEvent.Status.DEGRADED,
        title="Virtual machines slow to start",
        started_at=timezone.now(),
    )
    login(page, user.username)
    page.wait_for_url("**/")
    page.goto("/incidents/csp/")

    # Pick the customer; its service health comes first, the open event highlighted.
    page.get_by_role("link", name=re.compile("Woodgrove Bank")).click()
    health = page.get_by_test_id("service-health")
    health.wait_for()
    assert "1 open service health event" in health.inner_text()
    assert health.locator(".health-open").inner_text().startswith("Microsoft Azure")

    # Choose Azure: the plan is Cloud Solution Provider and the form names who may go
    # non-technical; my own details are prefilled, and the form says they must be mine.
    page.get_by_label("Microsoft Azure").check()
    page.get_by_test_id("choose-service").click()
    page.get_by_test_id("support-plan").wait_for()
    assert page.get_by_test_id("support-plan").inner_text() == "Cloud Solution Provider"
    assert "Tailspin Distribution" in page.locator("#id_request_type_helptext").inner_text()
    assert page.get_by_label("Your e-mail address").input_value() == user.email
    assert "not those of Woodgrove Bank" in page.get_by_test_id("partner-contact-note").inner_text()

    page.get_by_label(re.compile("Non-technical")).check()
    page.get_by_label("Customer's Azure subscription").select_option(str(subscription.pk))
    page.get_by_label("Title").fill("Invoice shows double charges")
    page.get_by_label("Description").fill("The March invoice lists every VM twice.")
    page.get_by_label(re.compile("C — minimal")).check()
    assert page.get_by_label("I need 24/7 support").is_hidden()
    page.get_by_label("Your phone number").fill("+36 1 555 0100")
    page.get_by_test_id("submit-request").click()
    page.get_by_text("There is a problem").wait_for()
    assert "Only the subscription's provider, Tailspin Distribution" in (
        page.locator(".error-summary").inner_text()
    )
    assert Incident.objects.count() == 0

    # A technical request is the reseller's to raise; the entries were kept.
    assert page.get_by_label("Title").input_value() == "Invoice shows double charges"
    page.get_by_label(re.compile("Technical problem")).check()
    page.get_by_label("Title").fill("VMs fail to start")
    page.get_by_test_id("submit-request").click()
    number = page.get_by_test_id("incident-number")
    number.wait_for()
    incident = Incident.objects.get()
    assert number.inner_text() == incident.number
    assert incident.customer == customer and incident.subscription == subscription
    assert incident.support_plan == "Cloud Solution Provider"
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_a_marketplace_product_leads_to_the_isv_and_the_own_tenant_to_other_plans(page):
    partner = make_partner("Contoso CSP", csp_role=CspRole.DIRECT_PROVIDER)
    user = make_user(partner, username="direct")
    make_customer(partner)
    MarketplaceProduct.objects.create(
        name="Contoso Backup",
        isv_name="Contoso ISV Ltd",
        support_url="https://support.contoso-isv.example/",
        support_email="help@contoso-isv.example",
        support_phone="+1 425 555 0199",
    )
    login(page, user.username)
    page.wait_for_url("**/")
    page.goto("/incidents/csp/")
    page.get_by_role("link", name=re.compile("Woodgrove Bank")).click()
    page.get_by_label(re.compile("Contoso Backup")).check()
    page.get_by_test_id("choose-service").click()
    isv = page.get_by_test_id("isv-support")
    isv.wait_for()
    text = isv.inner_text()
    for detail in ("Contoso ISV Ltd", "support.contoso-isv.example", "help@contoso-isv.example"):
        assert detail in text
    assert "+1 425 555 0199" in text
    assert page.get_by_test_id("submit-request").count() == 0

    page.goto("/incidents/csp/")
    page.get_by_role("link", name="Our own partner tenant or subscriptions").click()
    refusal = page.get_by_test_id("csp-refusal")
    refusal.wait_for()
    assert "Premier" in refusal.inner_text()
    page.get_by_test_id("other-plans").get_by_role(
        "link", name=re.compile("Support for Business")
    ).click()
    page.wait_for_url("**/incidents/business/")


def test_a_partner_without_a_csp_role_is_told_so(page, partner_user):
    login(page, partner_user.username)
    page.wait_for_url("**/")
    page.goto("/incidents/csp/")
    assert "no Cloud Solution Provider role" in page.get_by_test_id("csp-refusal").inner_text()
