"""Issue 18 in a real browser: the dashboard draws its bars in every language at a phone's
and a laptop's width, and staff reject an activation request with a reason from its page."""

import pytest
from playwright.sync_api import expect

from contracts.models import ActivationRequest
from tests.browser.conftest import axe_violations, login
from tests.builders import make_engineer, make_staff
from tests.contracts.helpers import action_pack_partner
from tests.contracts.test_staff_activation import make_request
from tests.incidents.test_workflow_builders import make_incident, set_due

BARS = "svg[data-testid^=chart-] rect"


@pytest.mark.parametrize("width", [390, 1500])
@pytest.mark.parametrize("language", ["hu", "en"])
def test_the_dashboard_draws_its_bars_and_fits_the_screen(page, db, partner_user, width, language):
    set_due(make_incident(partner_user, severity="A"), minutes=-30)
    make_incident(partner_user, severity="B")
    engineer = make_engineer("eszter")
    engineer.language = language
    engineer.save()
    page.set_viewport_size({"width": width, "height": 900})
    login(page, "eszter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    page.goto("/incidents/dashboard/")

    expect(page.locator("svg[data-testid^=chart-]")).to_have_count(4)
    widths = page.locator(BARS).evaluate_all("rs => rs.map(r => r.getBoundingClientRect().width)")
    assert widths and all(w > 0 for w in widths), widths
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert axe_violations(page) == []


def test_staff_reject_a_request_with_a_reason_from_its_page(page, db):
    request = make_request(action_pack_partner(name="Contoso AP"))
    make_staff("programs")
    login(page, "programs")
    page.goto(f"/admin/contracts/activationrequest/{request.pk}/change/")

    page.get_by_role("link", name="Reject…").click()
    page.get_by_label("Reason (e-mailed to the requester)").fill("The contract is unknown.")
    page.get_by_role("button", name="Apply").click()

    expect(
        page.get_by_text("1 request rejected; the requester was e-mailed the reason.")
    ).to_be_visible()
    expect(page.locator(".field-rejection_reason")).to_contain_text("The contract is unknown.")
    request.refresh_from_db()
    assert request.status == ActivationRequest.Status.REJECTED
