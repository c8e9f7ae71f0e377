"""Leave the Office 365 wizard at step 2 for "My benefits", come back: every answer
and the file are there (issue 17), at 390 px wide, by keyboard-reachable controls."""

import re

from drafts.models import Draft
from incidents.models import Attachment, Incident
from tests.browser.conftest import login
from tests.incidents.test_office365_wizard import o365_catalogue

URL = "/incidents/office365/new/"


def choose(page, name, label):
    select = page.locator(f"select[name='{name}']")
    select.locator("option", has_text=label).wait_for(state="attached")
    select.select_option(label=label)


def test_leaving_the_wizard_at_step_2_and_coming_back_keeps_every_answer_and_the_file(
    page, partner_user
):
    o365_catalogue()
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, partner_user.username)
    page.wait_for_url("**/")
    page.goto(URL)
    choose(page, "problem-issue_type", "Technical issue")
    choose(page, "problem-service", "Exchange Online")
    choose(page, "problem-service_area", "Mail flow")
    choose(page, "problem-problem_area", "Messages delayed")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Add a detailed description").wait_for()
    page.get_by_label("Title").fill("Outbound mail is delayed")
    page.get_by_label("Description").fill("Mail to external recipients waits for hours.")
    page.get_by_label("Error message").fill("451 4.4.0 DNS query failed")
    page.get_by_label("Contact phone number").fill("+36 1 234 5678")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Add supporting information").wait_for()
    page.get_by_label(re.compile("B — moderate")).check()
    page.get_by_label("Tenant domain").fill("contoso.onmicrosoft.com")
    page.get_by_label("Number of users affected").fill("40")
    page.get_by_label("When did it start?").fill("2026-01-10T09:00")
    page.get_by_label("What have you tried so far?").fill("Restarted the connector.")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Attach file").wait_for()
    page.get_by_label("Files").set_input_files(
        [{"name": "trace.log", "mimeType": "text/plain", "buffer": b"12:00 queued\n"}]
    )
    # Back to step 2 (the file goes with the draft), then off to "My benefits".
    page.get_by_role("button", name="Back").click()
    page.get_by_role("heading", name="Add supporting information").wait_for()
    page.get_by_role("button", name="Back").click()
    page.get_by_role("heading", name="Add a detailed description").wait_for()
    page.goto("/contracts/benefits/")  # what the "My benefits" link opens
    page.get_by_role("heading", name=re.compile("benefits", re.I)).first.wait_for()

    # Home lists the draft; Continue comes back to step 2 with every answer.
    page.goto("/")
    drafts = page.get_by_test_id("drafts")
    assert "Submit Office 365 incident online" in drafts.inner_text()
    drafts.get_by_role("link", name=re.compile("Continue")).click()
    page.get_by_role("heading", name="Add a detailed description").wait_for()
    assert page.get_by_test_id("draft-resumed").is_visible()
    assert page.get_by_label("Title").input_value() == "Outbound mail is delayed"
    assert page.get_by_label("Error message").input_value() == "451 4.4.0 DNS query failed"
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Add supporting information").wait_for()
    assert page.get_by_label("Tenant domain").input_value() == "contoso.onmicrosoft.com"
    assert page.get_by_label("What have you tried so far?").input_value() == (
        "Restarted the connector."
    )
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Attach file").wait_for()
    assert "trace.log" in page.content()
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url("**/submitted/**")

    incident = Incident.objects.get()
    assert incident.title == "Outbound mail is delayed"
    assert [a.original_name for a in Attachment.objects.filter(incident=incident)] == ["trace.log"]
    assert not Draft.objects.exists()


def test_discarding_a_draft_from_the_manage_page(page, partner_user):
    o365_catalogue()
    login(page, partner_user.username)
    page.wait_for_url("**/")
    page.goto(URL)
    choose(page, "problem-issue_type", "Technical issue")
    choose(page, "problem-service", "Exchange Online")
    choose(page, "problem-service_area", "Mail flow")
    choose(page, "problem-problem_area", "Messages delayed")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Add a detailed description").wait_for()
    page.goto("/incidents/manage/")
    page.get_by_test_id("drafts").get_by_role("button", name=re.compile("Discard")).click()
    page.wait_for_url("**/incidents/manage/")
    assert page.get_by_test_id("drafts").count() == 0
    assert not Draft.objects.exists()


def test_what_was_typed_on_step_2_without_continue_is_kept_when_leaving_by_a_link(
    page, partner_user
):
    o365_catalogue()
    login(page, partner_user.username)
    page.wait_for_url("**/")
    page.goto(URL)
    choose(page, "problem-issue_type", "Technical issue")
    choose(page, "problem-service", "Exchange Online")
    choose(page, "problem-service_area", "Mail flow")
    choose(page, "problem-problem_area", "Messages delayed")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Add a detailed description").wait_for()
    page.get_by_label("Title").fill("Typed, never continued")
    page.get_by_label("Description").fill("Left for My benefits half-way.")

    page.get_by_role("navigation").get_by_role("link", name="My benefits").first.click()
    page.wait_for_url("**/contracts/benefits/")
    page.wait_for_function("() => document.readyState === 'complete'")

    page.goto("/")
    page.get_by_test_id("drafts").get_by_role("link", name=re.compile("Continue")).click()
    page.get_by_role("heading", name="Add a detailed description").wait_for()
    assert page.get_by_label("Title").input_value() == "Typed, never continued"
    assert page.get_by_label("Description").input_value() == "Left for My benefits half-way."
    assert page.locator(".error-summary").count() == 0  # no "required" errors on return
