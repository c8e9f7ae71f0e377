"""A partner user registers a contract by its two IDs and sees the benefits page."""

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
    page.wait_for_url("**/")
    page.get_by_role("navigation").get_by_role("link", name="My benefits").click()
    row = page.locator("tr[data-benefit=product_support]").first
    assert row.locator("td").all_inner_texts() == ["20", "0", "20"]

    page.get_by_role("link", name="Register a contract").click()
    page.get_by_label("Access ID").fill("ACC-778899")
    page.get_by_label("Contract ID").fill("CON-000000")
    page.get_by_role("button", name="Register").click()
    assert page.get_by_role("alert").inner_text().count("No contract matches") == 1

    page.get_by_label("Contract ID").fill("CON-112233")
    page.get_by_role("button", name="Register").click()
    assert page.get_by_text(f"Contract {contract.contract_id} is registered").is_visible()
    assert page.get_by_role("cell", name="Partner support Gold 20-pack").is_visible()

    page.get_by_label("Access ID").fill("ACC-778899")
    page.get_by_label("Contract ID").fill("CON-112233")
    page.get_by_role("button", name="Register").click()
    assert "Contract is already registered" in page.get_by_role("alert").inner_text()
