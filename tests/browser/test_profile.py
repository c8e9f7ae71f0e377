"""Real browser: first sign-in goes through the profile wizard, then the home page (issue 2)."""

import importlib

import pytest
from django.core.management import call_command, get_commands

from partners.models import User
from tests.browser.conftest import login
from tests.builders import PASSWORD, make_partner, make_user


def complete_profile_wizard(page, *, email, phone="+36 1 234 5678"):
    page.wait_for_url("**/profile/")
    assert page.locator("h1").inner_text() == "Your name and e-mail"
    assert page.locator("input[name='name-first_name']").is_disabled()
    page.fill("input[name='name-email']", email)
    page.click("main button[type=submit]:has-text('Continue')")

    assert page.locator("h1").inner_text() == "How we reach you"
    # A bad number comes back with an error summary and what was typed kept.
    page.fill("input[name='contact-phone']", "12")
    page.select_option("select[name='contact-time_zone']", "Europe/Budapest")
    page.click("main button[type=submit]:has-text('Continue')")
    assert page.locator(".error-summary").is_visible()
    # The summary takes focus (announced by screen readers); its link moves focus to the field.
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    page.click(".error-summary a")
    assert page.evaluate("document.activeElement.name") == "contact-phone"
    assert page.input_value("select[name='contact-time_zone']") == "Europe/Budapest"
    page.fill("input[name='contact-phone']", phone)
    page.select_option("select[name='contact-language']", "en")
    page.check("input[name='contact-contact_method'][value='phone']")
    page.click("main button[type=submit]:has-text('Continue')")

    assert page.locator("h1").inner_text() == "Check your answers"
    assert email in page.locator("main").inner_text()
    page.click("main button[type=submit]:has-text('Save')")
    page.wait_for_url(lambda url: url.rstrip("/").count("/") == 2)  # the site root


def test_a_new_partner_user_completes_the_profile_and_sees_the_eligibility(page, db):
    partner = make_partner("Northwind Cloud", competencies=["Cloud Productivity"])
    user = make_user(partner, username="nora", profile_done=False, first_name="Nora")
    login(page, "nora")
    complete_profile_wizard(page, email="nora@northwind.example")

    assert page.locator("h1").inner_text() == "Northwind Cloud"
    eligibility = page.locator("ul.eligibility").inner_text()
    assert "Office 365" in eligibility and "Eligible" in eligibility
    assert "Microsoft Azure" in eligibility and "Not eligible" in eligibility
    assert page.locator(".feature-cards a", has_text="Edit profile").is_visible()
    user.refresh_from_db()
    assert user.profile_completed_at is not None
    assert user.email == "nora@northwind.example"
    assert user.first_name == "Nora"


def test_a_demo_partner_logs_in_completes_the_profile_and_sees_the_home_page(page, db):
    if "load_demo" not in get_commands():
        pytest.skip("manage.py load_demo is not available yet")
    call_command("load_demo", verbosity=0)
    demo = importlib.import_module("demo.management.commands.load_demo")
    user = User.objects.get(username="gold")
    if user.profile_completed_at is not None:  # demo partners start with the profile to do
        User.objects.filter(pk=user.pk).update(profile_completed_at=None)
    login(page, "gold", password=getattr(demo, "DEMO_PASSWORD", PASSWORD))
    complete_profile_wizard(page, email=user.email or "gold@example.com")
    assert page.locator("h1").inner_text() == user.partner.name
    assert "Signature Cloud Support today" in page.content()
    assert "Eligible" in page.locator("ul.eligibility").inner_text()
