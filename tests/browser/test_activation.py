"""An Action Pack admin requests activation; staff activate it in admin; My benefits fills in."""

from playwright.sync_api import expect

from contracts.models import ContractKind
from tests.browser.conftest import login
from tests.builders import make_contract, make_staff
from tests.contracts.helpers import action_pack_partner, make_admin


def sign_in(page, username):
    login(page, username)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


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
    sign_in(page, "apadmin")
    page.goto("/contracts/benefits/")
    expect(page.locator('td:text-is("(blank)")')).to_have_count(9)
    why = page.locator("details", has_text="Why is Product Support incidents (blank)?")
    why.locator("summary").click()
    expect(why.get_by_text("Not activated. A global admin or partner admin")).to_be_visible()
    page.get_by_role("link", name="Request activation").click()

    page.get_by_label("Core benefits of the headquarters").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Confirm your contact details")
    assert page.get_by_label("Company").input_value() == "Contoso Action Pack"
    page.get_by_label("Phone").fill("+36 1 555 0100")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Check your answers")
    page.get_by_role("button", name="Send the request").click()

    page.wait_for_url("**/sent/")
    expect(page.locator("main")).to_contain_text(
        "Your request was sent to the Regional Service Center."
    )

    # Program staff activate it with one admin action.
    page.context.clear_cookies()
    sign_in(page, "programs")
    page.goto("/admin/contracts/activationrequest/")
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option("activate")
    page.get_by_role("button", name="Run").or_(page.get_by_role("button", name="Go")).click()
    expect(page.get_by_text("3 contracts activated; the IDs were e-mailed.")).to_be_visible()

    # The partner's My benefits shows the figures instead of (blank).
    page.context.clear_cookies()
    sign_in(page, "apadmin")
    page.goto("/contracts/benefits/")
    row = page.locator("tr[data-benefit=product_support]").first
    expect(row.locator("td")).to_have_text(["10", "0", "10"])
    expect(page.locator('td:text-is("(blank)")')).to_have_count(0)
