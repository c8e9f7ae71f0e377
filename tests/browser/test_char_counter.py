"""Real browser: text boxes with a length limit show a counter (issue 14), with
no CSP violation (the page fixture fails on one), at 390 px too."""

from incidents.services import IncidentDraft, submit_incident
from tests.browser.conftest import login


def test_the_message_box_counts_characters_up_to_its_limit(page, partner_user):
    incident = submit_incident(
        IncidentDraft(
            user=partner_user,
            channel="office365",
            title="Mail flow stopped",
            description="No mail since 9:00",
            severity="B",
            contact_name="Anna",
            contact_email=partner_user.email,
        )
    )
    page.set_viewport_size({"width": 390, "height": 800})
    login(page, partner_user.username)
    page.goto(f"/incidents/manage/{incident.number}/")
    box = page.locator("textarea[maxlength='10000']").first
    counter_id = box.get_attribute("aria-describedby").split()[-1]
    counter = page.locator(f"#{counter_id}")
    assert counter.inner_text().replace(",", "").replace("\u202f", "").replace(" ", "") == "0/10000"
    box.fill("Hello")
    assert counter.inner_text().replace(",", "").replace(" ", "").startswith("5/")
    assert counter.is_visible()
