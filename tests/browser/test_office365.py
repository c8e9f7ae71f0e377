"""A partner clicks through the Office 365 incident wizard in a real browser (issue 4)."""

import re

from django.core import mail

from incidents.models import Attachment, Incident, Status
from tests.browser.conftest import login
from tests.incidents.test_office365_wizard import PNG, o365_catalogue

URL = "/incidents/office365/new/"


def choose(page, name, label):
    """Pick an option once the script has loaded it into the dependent list."""
    select = page.locator(f"select[name='{name}']")
    select.locator("option", has_text=label).wait_for(state="attached")
    select.select_option(label=label)


def test_a_partner_submits_an_office365_incident_through_the_four_steps(page, partner_user):
    o365_catalogue()
    login(page, partner_user.username)
    page.wait_for_url("**/")
    page.get_by_role("link", name="Submit Office 365 incident online").click()
    page.wait_for_url(f"**{URL}")

    # Before step 1: eligibility. Step 1: dependent lists filled instantly by the script.
    assert "is eligible for Office 365" in page.get_by_test_id("eligibility").inner_text()
    assert page.locator("button[name=refresh_lists]").is_hidden()
    choose(page, "problem-issue_type", "Technical issue")
    choose(page, "problem-service", "Exchange Online")
    choose(page, "problem-service_area", "Mail flow")
    choose(page, "problem-problem_area", "Messages delayed")
    page.get_by_role("button", name="Continue").click()

    # Step 2: the contact name comes from the profile.
    page.get_by_role("heading", name="Add a detailed description").wait_for()
    assert page.get_by_label("Contact name").input_value() == partner_user.get_full_name()
    page.get_by_label("Title").fill("Outbound mail is delayed")
    page.get_by_label("Description").fill("Mail to external recipients waits for hours.")
    page.get_by_label("Error message").fill("451 4.4.0 DNS query failed")
    page.get_by_label("Contact phone number").fill("+36 1 234 5678")
    page.get_by_label("Contact phone number").press("Enter")  # Enter means Continue, not Back

    # Step 3: 24/7 with severity B is refused, the entries stay, then severity A is fine.
    page.get_by_role("heading", name="Add supporting information").wait_for()
    page.get_by_label(re.compile("B — moderate")).check()
    page.get_by_label(re.compile("24/7 support")).check()
    page.get_by_label("Tenant domain").fill("contoso.onmicrosoft.com")
    page.get_by_label("Number of users affected").fill("40")
    page.get_by_label("When did it start?").fill("2026-01-10T09:00")
    page.get_by_label("What have you tried so far?").fill("Restarted the connector.")
    assert page.get_by_label("E-mail for the confirmation").input_value() == partner_user.email
    page.get_by_label("E-mail for the confirmation").fill("it-desk@contoso.example")
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("There is a problem").wait_for()
    assert "only with severity A" in page.locator(".error-summary").inner_text()
    assert page.get_by_label("Tenant domain").input_value() == "contoso.onmicrosoft.com"
    page.get_by_label(re.compile("A — critical")).check()
    page.get_by_role("button", name="Continue").click()

    # Step 4: two files, then Back and Next keep them.
    page.get_by_role("heading", name="Attach file").wait_for()
    page.get_by_label("Files").set_input_files(
        [
            {"name": "trace.log", "mimeType": "text/plain", "buffer": b"12:00 queued\n"},
            {"name": "screen.png", "mimeType": "image/png", "buffer": PNG},
        ]
    )
    page.get_by_role("button", name="Back").click()
    page.get_by_role("heading", name="Add supporting information").wait_for()
    assert page.get_by_label("What have you tried so far?").input_value() == (
        "Restarted the connector."
    )
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Attach file").wait_for()
    assert "trace.log" in page.content() and "screen.png" in page.content()
    assert "Outbound mail is delayed" in page.locator(".check-answers").first.inner_text() + (
        page.locator(".check-answers").nth(1).inner_text()
    )
    page.get_by_role("button", name="Submit").click()

    # Confirmation: the number and the first-response due time; the e-mail was sent.
    number = page.get_by_test_id("incident-number")
    number.wait_for()
    incident = Incident.objects.get()
    assert number.inner_text() == incident.number
    assert "An engineer will respond by" in page.content()
    assert incident.status == Status.SUBMITTED and incident.severity == "A" and incident.is_24x7
    assert sorted(a.original_name for a in Attachment.objects.all()) == [
        "screen.png",
        "trace.log",
    ]
    assert [m.to for m in mail.outbox] == [["it-desk@contoso.example"]]
    assert incident.number in mail.outbox[0].subject


def test_without_javascript_the_update_lists_button_narrows_the_lists(
    _browser, live_server, partner_user
):
    catalogue = o365_catalogue()
    context = _browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login(page, partner_user.username)
        page.wait_for_url("**/")
        page.goto(URL)
        refresh = page.locator("button[name=refresh_lists]")
        assert refresh.is_visible()
        page.select_option("select[name='problem-issue_type']", label="Technical issue")
        refresh.click()
        page.locator("select[name='problem-service'] option", has_text="Exchange Online").wait_for(
            state="attached"
        )
        services = page.locator("select[name='problem-service'] option").all_inner_texts()
        assert services[1:] == ["Exchange Online", "SharePoint Online"]
        for name, label in [
            ("problem-service", "Exchange Online"),
            ("problem-service_area", "Mail flow"),
        ]:
            page.select_option(f"select[name='{name}']", label=label)
            page.locator("button[name=refresh_lists]").click()
        page.select_option("select[name='problem-problem_area']", label="Messages delayed")
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("heading", name="Add a detailed description").wait_for()
        assert catalogue["mail"][-1].label == "Messages delayed"
    finally:
        context.close()
