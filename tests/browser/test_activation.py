"""An Action Pack admin requests activation; staff activate it in admin; My benefits fills in."""

from contracts.models import ContractKind
from tests.browser.conftest import login
from tests.builders import make_contract, make_staff
from tests.contracts.helpers import action_pack_partner, make_admin


def test_action_pack_admin_requests_activation_and_staff_activate_it(page, db):
    partner = action_pack_partner(name="Contoso Action Pack")
    for kind, units in [
        (ContractKind.ADVISORY, 10),
        (ContractKind.SIGNATURE_CLOUD, 5),
        (ContractKind.PRODUCT_SUPPORT, 10),
    ]:
        make_contract(partner, kind=kind, units=units, activated=False)
    make_admin(partner, username="apadmin")
    make_staff("programs")

    # The admin sees (blank) and why, then requests the activation.
    login(page, "apadmin")
    page.goto("/contracts/benefits/")
    assert page.locator('td:text-is("(blank)")').count() == 9
    why = page.locator("details", has_text="Why is Product Support incidents (blank)?")
    why.locator("summary").click()
    assert why.get_by_text("Not activated. A global admin or partner admin").is_visible()
    page.get_by_role("link", name="Request activation").click()

    page.get_by_label("Core benefits of the headquarters").check()
    page.get_by_role("button", name="Continue").click()
    assert page.locator("h1").inner_text() == "Confirm your contact details"
    assert page.get_by_label("Company").input_value() == "Contoso Action Pack"
    page.get_by_label("Phone").fill("+36 1 555 0100")
    page.get_by_role("button", name="Continue").click()
    assert page.locator("h1").inner_text() == "Check your answers"
    page.get_by_role("button", name="Send the request").click()

    page.wait_for_url("**/sent/")
    assert "Your request was sent to the Regional Service Center." in page.content()

    # Program staff activate it with one admin action.
    page.context.clear_cookies()
    login(page, "programs")
    page.wait_for_url("**/")
    page.goto("/admin/contracts/activationrequest/")
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option("activate")
    page.get_by_role("button", name="Run").or_(page.get_by_role("button", name="Go")).click()
    assert page.get_by_text("3 contracts activated; the IDs were e-mailed.").is_visible()

    # The partner's My benefits shows the figures instead of (blank).
    page.context.clear_cookies()
    login(page, "apadmin")
    page.wait_for_url("**/")
    page.goto("/contracts/benefits/")
    assert page.locator('td:text-is("(blank)")').count() == 0
    row = page.locator("tr[data-benefit=product_support]").first
    assert row.locator("td").all_inner_texts() == ["10", "0", "10"]
