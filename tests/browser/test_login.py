from tests.browser.conftest import login


def test_partner_signs_in_and_sees_eligibility(page, partner_user):
    login(page, partner_user.username)
    page.wait_for_url("**/")
    assert page.locator("h1").inner_text() == partner_user.partner.name
    assert "Office 365" in page.content()
