"""Following up in a real browser: engineer takes and replies, partner answers, engineer reads it."""

from tests.browser.conftest import login
from tests.incidents.test_workflow_builders import make_incident


def sign_out(page):
    page.click("form[action$='/accounts/logout/'] button")
    page.wait_for_url("**/accounts/login/**")


def test_engineer_takes_and_replies_partner_answers_engineer_sees_it(page, partner_user, engineer):
    incident = make_incident(partner_user, title="Teams calls drop after 30 seconds")

    # The engineer finds the incident in the queue, takes it and replies.
    login(page, engineer.username)
    page.wait_for_url("**/")
    page.click("nav >> text=Incident queue")
    page.click(f"text={incident.number}")
    page.click("button:has-text('Take')")
    page.wait_for_selector("text=You own this request now.")
    page.fill("textarea[name=body] >> nth=0", "Please send the client logs from an affected PC.")
    page.click("[data-testid=send-reply]")
    page.wait_for_selector("text=Your reply was sent to the contacts.")
    assert "First response overdue" not in page.content()
    sign_out(page)

    # The partner sees the reply under Manage support requests and answers.
    login(page, partner_user.username)
    page.wait_for_url("**/")
    page.click("nav >> text=Manage support requests")
    page.click(f"text={incident.number}")
    thread = page.locator("[data-testid=thread]")
    assert "Please send the client logs" in thread.inner_text()
    page.fill("textarea[name=body]", "Logs are on the share; the drop happens on Wi-Fi only.")
    page.click("button:has-text('Send message')")
    page.wait_for_selector("text=Your message was sent.")
    assert "the drop happens on Wi-Fi only" in page.locator("[data-testid=thread]").inner_text()
    sign_out(page)

    # The engineer sees the partner's answer.
    login(page, engineer.username)
    page.wait_for_url("**/")
    page.goto(f"/incidents/queue/{incident.number}/")
    assert "the drop happens on Wi-Fi only" in page.locator("[data-testid=thread]").inner_text()


def test_the_owner_makes_a_colleague_primary_and_removes_the_old_contact(
    page, partner_user, engineer
):
    # The contact list is a cached fragment: its buttons submit forms outside it (form=…),
    # which hold the CSRF token.
    from incidents import workflow
    from tests.builders import make_user

    incident = make_incident(partner_user, title="Mailbox full")
    colleague = make_user(partner_user.partner, username="csaba", first_name="Csaba")
    workflow.take(incident, engineer=engineer)
    workflow.add_contact(incident, user=colleague, actor=engineer)

    login(page, engineer.username)
    page.wait_for_url("**/")
    page.goto(f"/incidents/queue/{incident.number}/")
    contacts = page.locator("#contacts")
    contacts.locator("button:has-text('make primary')").click()
    page.wait_for_selector("text=Primary contact changed.")
    page.locator("#contacts button:has-text('remove')").click()
    page.wait_for_selector("text=Contact removed.")
    listed = page.locator("#contacts ul").inner_text()
    assert "Csaba" in listed and "primary" in listed
    assert partner_user.username not in listed and partner_user.first_name not in listed
