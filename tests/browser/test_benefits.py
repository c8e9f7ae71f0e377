"""A partner user registers a contract by its two IDs and sees the benefits page."""

from playwright.sync_api import expect

from contracts.models import ContractKind
from tests.browser.conftest import login
from tests.builders import make_contract


def test_a_user_registers_a_contract_and_a_wrong_pair_gets_the_generic_error(page, partner_user):
    contract = make_contract(
        partner_user.partner,
        kind=ContractKind.PRODUCT_SUPPORT,
        units=20,
        access_id="ACC-778899",
        contract_id="CON-112233",
        name="Partner support Gold 20-pack",
    )
    login(page, partner_user.username)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("navigation").get_by_role("link", name="My benefits").click()
    row = page.locator("tr[data-benefit=product_support]").first
    expect(row.locator("td")).to_have_text(["20", "0", "20"])

    page.get_by_role("link", name="Register a contract").click()
    page.get_by_label("Access ID").fill("ACC-778899")
    page.get_by_label("Contract ID").fill("CON-000000")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("alert")).to_contain_text("No contract matches")

    page.get_by_label("Contract ID").fill("CON-112233")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text(f"Contract {contract.contract_id} is registered")).to_be_visible()
    expect(page.get_by_role("cell", name="Partner support Gold 20-pack")).to_be_visible()

    page.get_by_label("Access ID").fill("ACC-778899")
    page.get_by_label("Contract ID").fill("CON-112233")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("alert")).to_contain_text("Contract is already registered")
