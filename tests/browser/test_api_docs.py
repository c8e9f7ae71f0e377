"""API v1 in a real browser: the docs run under the CSP; a token is made on its page (issue 22)."""

from api.models import ApiToken
from tests.browser.conftest import login


def test_the_api_docs_render_every_operation_without_a_csp_violation(page, db):
    page.goto("/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=20_000)
    assert page.locator(".opblock").count() >= 10
    assert "Partner Support Portal API" in page.locator(".info .title").inner_text()


def test_a_partner_creates_a_token_at_phone_width_and_it_works(page, partner_user):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, partner_user.username)
    page.wait_for_url("**/")
    page.click("text=API tokens")
    page.fill("input[name=name]", "PSA sync")
    page.check("input[name=scope][value=write]")
    page.click("main button:has-text('Create token')")
    secret = page.input_value("#new-token")
    assert secret.startswith("psp_")
    assert ApiToken.objects.get().user == partner_user
    response = page.request.get("/api/v1/contracts", headers={"Authorization": f"Bearer {secret}"})
    assert response.status == 200
    # The page's own session cookie is not enough for the API.
    assert page.request.get("/api/v1/contracts").status == 401
    page.reload()
    assert secret not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
