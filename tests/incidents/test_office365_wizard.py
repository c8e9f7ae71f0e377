"""The Office 365 incident wizard (issue 4, SPEC §4.1): every path, end to end."""

import copy
import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from contracts.models import Contract
from drafts.models import Draft
from incidents.models import Attachment, Incident, RoutedTeam, Status, Topic, Tree
from tests.builders import make_contract, make_engineer, make_partner, make_topic_path, make_user

URL = reverse("incidents:office365")
P = "office365_wizard"
STEP = f"{P}-current_step"

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


# --- builders local to this module ---------------------------------------------------
def o365_catalogue() -> dict[str, list[Topic]]:
    """A small Office 365 tree: two technical branches and two non-technical ones."""
    tree = Tree.OFFICE365
    make_topic_path(tree, "Password reset", routes_to=RoutedTeam.ACCOUNT)
    make_topic_path(tree, "Billing", routes_to=RoutedTeam.BILLING)
    return {
        "mail": make_topic_path(
            tree, "Technical issue", "Exchange Online", "Mail flow", "Messages delayed"
        ),
        "sites": make_topic_path(
            tree, "Technical issue", "SharePoint Online", "Sites", "Permissions"
        ),
        "billing": make_topic_path(
            tree, "Billing", "Office 365 subscription", "Invoices", "Wrong amount"
        ),
        "password": make_topic_path(
            tree, "Password reset", "Exchange Online", "Mailbox", "Cannot sign in"
        ),
    }


def problem_data(nodes, step="problem"):
    names = ("issue_type", "service", "service_area", "problem_area")
    return {STEP: step, **{f"problem-{n}": node.pk for n, node in zip(names, nodes, strict=False)}}


def description_data(**overrides):
    data = {
        STEP: "description",
        "description-title": "Mail to external recipients is delayed by hours",
        "description-description": "Since this morning outbound mail sits in the queue.",
        "description-error_message": "451 4.4.0 DNS query failed",
        "description-contact_name": "Anna Kovács",
        "description-contact_phone": "+36 1 234 5678",
    }
    data.update(overrides)
    return data


def supporting_data(**overrides):
    started = timezone.now() - dt.timedelta(hours=3)
    data = {
        STEP: "supporting",
        "supporting-severity": "B",
        "supporting-tenant_domain": "contoso.onmicrosoft.com",
        "supporting-users_affected": "40",
        "supporting-started_at": started.strftime("%Y-%m-%dT%H:%M"),
        "supporting-what_tried": "Restarted the connector and checked the MX records.",
        "supporting-contact_email": "it-desk@contoso.example",
    }
    data.update(overrides)
    return data


def attach_data(files=()):
    data = {STEP: "attach"}
    if files:
        data["attach-attachments"] = list(files)
    return data


def walk_to_attach(client, nodes, **supporting):
    """GET the wizard and complete the first three steps; returns the last response."""
    assert client.get(URL).status_code == 200
    response = client.post(URL, problem_data(nodes))
    assert response.context["wizard"]["steps"].current == "description", _errors(response)
    response = client.post(URL, description_data())
    assert response.context["wizard"]["steps"].current == "supporting", _errors(response)
    response = client.post(URL, supporting_data(**supporting))
    assert response.context["wizard"]["steps"].current == "attach", _errors(response)
    return response


def submit(client, django_capture_on_commit_callbacks, files=()):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(URL, attach_data(files))


def _errors(response):
    form = response.context.get("form") if response.context else None
    return form.errors if form is not None else response.status_code


@pytest.fixture
def catalogue(db):
    return o365_catalogue()


# --- the main paths ------------------------------------------------------------------
def test_an_eligible_partner_submits_a_technical_incident_with_its_response_due_time(
    partner_client, partner_user, catalogue, django_capture_on_commit_callbacks
):
    contract = make_contract(partner_user.partner, register_to=partner_user)
    walk_to_attach(partner_client, catalogue["mail"])

    response = submit(partner_client, django_capture_on_commit_callbacks)

    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("incidents:confirmation", args=[incident.number])
    assert incident.status == Status.SUBMITTED
    assert incident.channel == "office365"
    assert incident.product.slug == "office-365"
    assert incident.product.platform == "office365"
    assert incident.topic == catalogue["mail"][-1]
    assert incident.severity == "B" and not incident.is_24x7
    assert incident.response_due_at is not None
    assert incident.title == "Mail to external recipients is delayed by hours"
    assert incident.error_message == "451 4.4.0 DNS query failed"
    assert incident.contact_phone == "+36 1 234 5678"
    assert incident.contact_email == "it-desk@contoso.example"
    assert incident.facts["tenant_domain"] == "contoso.onmicrosoft.com"
    assert incident.facts["users_affected"] == 40
    assert incident.facts["what_tried"].startswith("Restarted the connector")
    assert dt.datetime.fromisoformat(incident.facts["started_at"]) < timezone.now()
    assert incident.contacts.get().user == partner_user
    # Office 365 takes no contract unit.
    assert incident.contract is None and not incident.unit_consumed
    contract.refresh_from_db()
    assert contract.units_used == 0
    # The e-mail goes to the address given, after commit.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["it-desk@contoso.example"]
    assert incident.number in mail.outbox[0].subject

    page = partner_client.get(response.url)
    assert incident.number in page.content.decode()
    assert "An engineer will respond by" in page.content.decode()


def test_the_confirmation_email_is_not_sent_before_the_transaction_commits(
    partner_client, catalogue
):
    walk_to_attach(partner_client, catalogue["mail"])

    # Without running on-commit callbacks (the test transaction never commits) no mail goes.
    partner_client.post(URL, attach_data())

    assert Incident.objects.count() == 1
    assert mail.outbox == []


def test_a_non_technical_issue_is_routed_to_its_team_and_uses_no_unit(
    partner_client, partner_user, catalogue, django_capture_on_commit_callbacks
):
    contract = make_contract(partner_user.partner, register_to=partner_user)
    walk_to_attach(partner_client, catalogue["billing"])

    response = submit(partner_client, django_capture_on_commit_callbacks)

    incident = Incident.objects.get()
    assert incident.status == Status.ROUTED
    assert incident.routed_to == RoutedTeam.BILLING
    assert incident.response_due_at is None
    assert incident.contract is None and not incident.unit_consumed
    contract.refresh_from_db()
    assert contract.units_used == 0
    assert len(mail.outbox) == 1
    page = partner_client.get(response.url).content.decode()
    assert "routed to another team" in page
    assert incident.number in page


def test_a_password_reset_is_routed_to_the_account_team(
    partner_client, catalogue, django_capture_on_commit_callbacks
):
    walk_to_attach(partner_client, catalogue["password"])

    submit(partner_client, django_capture_on_commit_callbacks)

    incident = Incident.objects.get()
    assert incident.status == Status.ROUTED
    assert incident.routed_to == RoutedTeam.ACCOUNT


def test_an_ineligible_partner_is_warned_before_step_1(client, other_user, catalogue):
    client.force_login(other_user)

    page = client.get(URL).content.decode()

    assert "not eligible for Office 365 Signature Cloud Support" in page
    assert "will be rejected" in page
    assert "maps to Office 365" in page  # the reason: Cloud Platform maps to Azure only


def test_an_eligible_partner_sees_why_before_step_1(partner_client, catalogue):
    page = partner_client.get(URL).content.decode()

    assert "is eligible for Office 365 Signature Cloud Support" in page
    assert "Cloud Productivity competency" in page


def test_an_ineligible_partner_may_submit_but_the_incident_is_rejected_with_the_reason(
    client, other_user, catalogue, django_capture_on_commit_callbacks
):
    client.force_login(other_user)
    reason = other_user.partner.eligibility_for("office365").reason
    walk_to_attach(client, catalogue["mail"])

    response = submit(client, django_capture_on_commit_callbacks)

    incident = Incident.objects.get()
    assert incident.status == Status.REJECTED
    assert incident.status_reason == reason
    assert incident.response_due_at is None
    assert not incident.unit_consumed
    assert len(mail.outbox) == 1
    assert reason in mail.outbox[0].body
    page = client.get(response.url).content.decode()
    assert "rejected" in page and incident.number in page


def test_a_partner_whose_competency_is_not_yet_effective_is_rejected_with_the_date(
    client, catalogue, django_capture_on_commit_callbacks
):
    future = timezone.localdate() + dt.timedelta(days=30)
    partner = make_partner(competencies=[("Cloud Productivity", future)])
    user = make_user(partner)
    client.force_login(user)
    walk_to_attach(client, catalogue["mail"])

    submit(client, django_capture_on_commit_callbacks)

    assert Incident.objects.get().status == Status.REJECTED


# --- severity and 24/7 -------------------------------------------------------------------
@pytest.mark.parametrize("severity", ["B", "C"])
def test_24_7_support_is_refused_unless_severity_is_a(partner_client, catalogue, severity):
    partner_client.get(URL)
    partner_client.post(URL, problem_data(catalogue["mail"]))
    partner_client.post(URL, description_data())

    response = partner_client.post(
        URL, supporting_data(**{"supporting-severity": severity, "supporting-is_24x7": "on"})
    )

    assert response.context["wizard"]["steps"].current == "supporting"
    page = response.content.decode()
    assert "24/7 support can be chosen only with severity A" in page
    assert "There is a problem" in page  # the error summary
    assert "contoso.onmicrosoft.com" in page  # entries kept
    assert Incident.objects.count() == 0


def test_severity_a_with_24_7_is_accepted_and_recorded(
    partner_client, catalogue, django_capture_on_commit_callbacks
):
    walk_to_attach(
        partner_client,
        catalogue["mail"],
        **{"supporting-severity": "A", "supporting-is_24x7": "on"},
    )

    submit(partner_client, django_capture_on_commit_callbacks)

    incident = Incident.objects.get()
    assert incident.severity == "A" and incident.is_24x7
    assert incident.response_due_at <= incident.created_at + dt.timedelta(hours=2)


def test_step_3_shows_the_impact_text_of_each_severity(partner_client, catalogue):
    partner_client.get(URL)
    partner_client.post(URL, problem_data(catalogue["mail"]))
    page = partner_client.post(URL, description_data()).content.decode()

    assert "production down" in page
    assert "production partially affected" in page
    assert "non-production affected" in page


def test_every_supporting_fact_is_required(partner_client, catalogue):
    partner_client.get(URL)
    partner_client.post(URL, problem_data(catalogue["mail"]))
    partner_client.post(URL, description_data())

    response = partner_client.post(URL, {STEP: "supporting"})

    errors = response.context["form"].errors
    assert set(errors) >= {
        "severity",
        "tenant_domain",
        "users_affected",
        "started_at",
        "what_tried",
        "contact_email",
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("tenant_domain", "not a domain", "Enter a domain name"),
        ("users_affected", "0", "greater than or equal to 1"),
        ("started_at", "yesterday-ish", "Enter the date and time"),
        ("contact_email", "nobody", "valid email"),
    ],
)
def test_bad_supporting_facts_are_explained_and_entries_kept(
    partner_client, catalogue, field, value, message
):
    partner_client.get(URL)
    partner_client.post(URL, problem_data(catalogue["mail"]))
    partner_client.post(URL, description_data())

    response = partner_client.post(URL, supporting_data(**{f"supporting-{field}": value}))

    assert response.context["wizard"]["steps"].current == "supporting"
    assert message in str(response.context["form"].errors[field])
    assert "Restarted the connector" in response.content.decode()


def test_a_start_time_in_the_future_is_refused(partner_client, catalogue):
    partner_client.get(URL)
    partner_client.post(URL, problem_data(catalogue["mail"]))
    partner_client.post(URL, description_data())
    tomorrow = (timezone.now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    response = partner_client.post(URL, supporting_data(**{"supporting-started_at": tomorrow}))

    assert "cannot be in the future" in str(response.context["form"].errors["started_at"])


def test_the_start_time_is_read_in_the_users_time_zone(
    client, partner, catalogue, django_capture_on_commit_callbacks
):
    user = make_user(partner, time_zone="Asia/Tokyo")
    client.force_login(user)
    walk_to_attach(client, catalogue["mail"], **{"supporting-started_at": "2026-01-10T09:00"})

    submit(client, django_capture_on_commit_callbacks)

    started = dt.datetime.fromisoformat(Incident.objects.get().facts["started_at"])
    assert started == dt.datetime(2026, 1, 10, 0, 0, tzinfo=dt.UTC)


# --- step 2 ------------------------------------------------------------------------------
def test_step_2_is_prefilled_from_the_profile(client, partner, catalogue):
    user = make_user(partner, first_name="Anna", last_name="Kovács", phone="+3612345678")
    client.force_login(user)
    client.get(URL)

    response = client.post(URL, problem_data(catalogue["mail"]))

    form = response.context["form"]
    assert form["contact_name"].value() == "Anna Kovács"
    assert str(form["contact_phone"].value()) == "+36 1 234 5678"
    # Shown as everywhere else (the summary, e-mails): international, not "(06 1) 234 5678".
    assert 'value="+36 1 234 5678"' in response.content.decode()
    page = client.post(URL, description_data()).content.decode()
    assert user.email in page  # step 3: the confirmation e-mail defaults to the account's


def test_step_2_validates_the_phone_number(partner_client, catalogue):
    partner_client.get(URL)
    partner_client.post(URL, problem_data(catalogue["mail"]))

    response = partner_client.post(
        URL, description_data(**{"description-contact_phone": "call me maybe"})
    )

    assert response.context["wizard"]["steps"].current == "description"
    assert "contact_phone" in response.context["form"].errors
    assert "Mail to external recipients is delayed" in response.content.decode()


def test_a_national_number_is_read_in_the_partners_country(
    partner_client, catalogue, django_capture_on_commit_callbacks
):
    partner_client.get(URL)
    partner_client.post(URL, problem_data(catalogue["mail"]))
    partner_client.post(URL, description_data(**{"description-contact_phone": "06 1 234 5678"}))
    partner_client.post(URL, supporting_data())

    submit(partner_client, django_capture_on_commit_callbacks)

    assert Incident.objects.get().contact_phone == "+36 1 234 5678"


def test_back_and_next_keep_every_entry(partner_client, catalogue):
    partner_client.get(URL)
    partner_client.post(URL, problem_data(catalogue["mail"]))
    partner_client.post(URL, description_data())
    partner_client.post(URL, supporting_data(**{"supporting-severity": "C"}))

    # Back twice, from the attach step to the description.
    response = partner_client.post(URL, {STEP: "attach", "wizard_goto_step": "supporting"})
    assert response.context["form"]["tenant_domain"].value() == "contoso.onmicrosoft.com"
    assert response.context["form"]["severity"].value() == "C"
    response = partner_client.post(URL, {**supporting_data(), "wizard_goto_step": "description"})
    assert response.context["form"]["title"].value().startswith("Mail to external")
    response = partner_client.post(URL, {**description_data(), "wizard_goto_step": "problem"})
    form = response.context["form"]
    assert int(form["problem_area"].value()) == catalogue["mail"][-1].pk

    # And Next again, without retyping anything.
    response = partner_client.post(URL, problem_data(catalogue["mail"]))
    assert response.context["form"]["contact_name"].value() == "Anna Kovács"


def test_back_keeps_unfinished_entries_of_the_step_being_left(partner_client, catalogue):
    partner_client.get(URL)
    partner_client.post(URL, problem_data(catalogue["mail"]))
    partner_client.post(
        URL, {STEP: "description", "description-title": "Half typed", "wizard_goto_step": "problem"}
    )

    response = partner_client.post(URL, problem_data(catalogue["mail"]))

    assert response.context["form"]["title"].value() == "Half typed"


def test_the_last_step_shows_every_answer_with_an_edit_button_per_step(client, partner, catalogue):
    client.force_login(make_user(partner, time_zone="Europe/Budapest"))
    response = walk_to_attach(
        client, catalogue["mail"], **{"supporting-started_at": "2026-01-10T09:00"}
    )

    page = response.content.decode()
    for text in (
        "Messages delayed",
        "Mail to external recipients is delayed by hours",
        "+36 1 234 5678",
        "contoso.onmicrosoft.com",
        "B — moderate",
        "Jan. 10, 2026, 9 a.m.",  # as entered, in the user's time zone
    ):
        assert text in page
    for step in ("problem", "description", "supporting"):
        assert f'name="wizard_goto_step" type="submit" value="{step}"' in page

    response = client.post(URL, {STEP: "attach", "wizard_goto_step": "description"})
    assert response.context["wizard"]["steps"].current == "description"
    assert response.context["form"]["title"].value().startswith("Mail to external")


def test_a_non_technical_choice_is_announced_before_submit(partner_client, catalogue):
    response = walk_to_attach(partner_client, catalogue["billing"])

    assert "will be routed to Billing and subscription management" in response.content.decode()


def test_the_route_is_announced_on_each_later_step_as_step_one_validates_now(
    partner_client, catalogue
):
    routed = "will be routed to Billing and subscription management"
    partner_client.get(URL)
    response = partner_client.post(URL, problem_data(catalogue["billing"]))
    assert response.context["wizard"]["steps"].current == "description"
    assert routed in response.content.decode()  # routed by the tree's root, two levels up
    response = partner_client.post(URL, description_data())
    assert routed in response.content.decode()

    # The chosen tree withdrawn meanwhile (as the admin does): step 1 no longer validates,
    # no route is announced.
    withdrawn = catalogue["billing"][0]
    withdrawn.is_active = False
    withdrawn.save()
    response = partner_client.post(URL, {STEP: "supporting", "wizard_goto_step": "description"})
    assert response.context["wizard"]["steps"].current == "description"
    assert "will be routed" not in response.content.decode()


def test_a_technical_choice_is_not_announced_as_routed(partner_client, catalogue):
    response = walk_to_attach(partner_client, catalogue["mail"])

    assert "will be routed" not in response.content.decode()


def test_the_ineligible_warning_is_repeated_before_submit(client, other_user, catalogue):
    client.force_login(other_user)

    response = walk_to_attach(client, catalogue["mail"])

    assert "this incident will be rejected" in response.content.decode()


# --- step 1: dependent lists -----------------------------------------------------------------
def _options(response, field):
    return {str(c.pk) for c in response.context["form"].fields[field].queryset}


def test_without_javascript_update_lists_narrows_each_list_to_the_choice_above(
    partner_client, catalogue
):
    technical, exchange, mail_flow, delayed = catalogue["mail"]
    sharepoint = catalogue["sites"][1]
    partner_client.get(URL)

    response = partner_client.post(
        URL, {STEP: "problem", "problem-issue_type": technical.pk, "refresh_lists": "1"}
    )

    assert response.context["wizard"]["steps"].current == "problem"
    assert not response.context["form"].errors  # a refresh is not a failed step
    assert _options(response, "service") == {str(exchange.pk), str(sharepoint.pk)}
    assert _options(response, "service_area") == set()
    page = response.content.decode()
    assert 'name="refresh_lists"' in page and "js-hide" in page

    response = partner_client.post(
        URL,
        {
            STEP: "problem",
            "problem-issue_type": technical.pk,
            "problem-service": exchange.pk,
            "refresh_lists": "1",
        },
    )
    assert _options(response, "service_area") == {str(mail_flow.pk)}
    assert response.context["form"]["service"].value() == str(exchange.pk)


def test_a_choice_that_is_not_a_child_of_the_one_above_is_rejected(partner_client, catalogue):
    technical, exchange, mail_flow, delayed = catalogue["mail"]
    sites = catalogue["sites"][2]
    partner_client.get(URL)

    response = partner_client.post(
        URL, problem_data([technical, exchange, sites, catalogue["sites"][3]])
    )

    assert response.context["wizard"]["steps"].current == "problem"
    assert "service_area" in response.context["form"].errors
    assert "does not belong to the service you chose" in response.content.decode()


def test_a_service_from_another_issue_type_is_rejected(partner_client, catalogue):
    billing_root = catalogue["billing"][0]
    partner_client.get(URL)

    response = partner_client.post(URL, problem_data([billing_root, *catalogue["mail"][1:]]))

    assert "service" in response.context["form"].errors


def test_a_topic_of_another_tree_is_rejected(partner_client, catalogue):
    azure = make_topic_path(Tree.AZURE, "Virtual Machines", "Connectivity", "RDP")
    partner_client.get(URL)

    response = partner_client.post(URL, problem_data(azure))

    assert "issue_type" in response.context["form"].errors


def test_an_inactive_topic_is_not_offered(partner_client, catalogue):
    sharepoint = catalogue["sites"][1]
    Topic.objects.filter(pk=sharepoint.pk).update(is_active=False)
    partner_client.get(URL)

    response = partner_client.post(URL, problem_data(catalogue["sites"]))

    assert "service" in response.context["form"].errors


def test_a_branch_that_stops_early_accepts_its_last_level(
    partner_client, catalogue, django_capture_on_commit_callbacks
):
    short = make_topic_path(Tree.OFFICE365, "Technical issue", "Teams", "Meetings")
    walk_to_attach(partner_client, short)

    submit(partner_client, django_capture_on_commit_callbacks)

    assert Incident.objects.get().topic == short[-1]


def test_step_1_requires_each_list(partner_client, catalogue):
    partner_client.get(URL)

    response = partner_client.post(URL, {STEP: "problem"})

    assert "Choose an issue type." in response.content.decode()
    assert response.context["wizard"]["steps"].current == "problem"


def test_the_lists_carry_the_data_the_script_needs(partner_client, catalogue):
    page = partner_client.get(URL).content.decode()

    assert 'data-chain-child="problem-service"' in page
    assert "data-children-url" in page
    assert "js/dependent-selects.js" in page


# --- attachments ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.html", b"<html><body>hi</body></html>", "not accepted"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "not accepted"),
        ("report.pdf", EXE, "does not contain what its name says"),
        ("notes.txt", b"<script>alert(1)</script>", "web markup or script"),
    ],
)
def test_unsafe_uploads_are_refused_and_nothing_is_created(
    partner_client, catalogue, name, content, message
):
    walk_to_attach(partner_client, catalogue["mail"])

    response = partner_client.post(URL, attach_data([SimpleUploadedFile(name, content)]))

    assert response.status_code == 200
    assert response.context["wizard"]["steps"].current == "attach"
    assert message in response.content.decode()
    assert Incident.objects.count() == 0


def test_an_oversize_upload_is_refused(partner_client, catalogue, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    walk_to_attach(partner_client, catalogue["mail"])

    response = partner_client.post(URL, attach_data([SimpleUploadedFile("big.txt", b"x" * 2048)]))

    assert "the limit is" in response.content.decode()
    assert Incident.objects.count() == 0


def test_too_many_files_are_refused(partner_client, catalogue, settings):
    settings.ATTACHMENT_MAX_FILES = 2
    walk_to_attach(partner_client, catalogue["mail"])
    files = [SimpleUploadedFile(f"log{i}.txt", b"line\n") for i in range(3)]

    response = partner_client.post(URL, attach_data(files))

    assert "Attach at most 2 files" in response.content.decode()


def test_several_files_are_saved_with_the_incident(
    partner_client, catalogue, django_capture_on_commit_callbacks
):
    walk_to_attach(partner_client, catalogue["mail"])
    files = [
        SimpleUploadedFile("trace.log", b"12:00 queued\n"),
        SimpleUploadedFile("screen.png", PNG),
        SimpleUploadedFile("report.pdf", PDF),
    ]

    submit(partner_client, django_capture_on_commit_callbacks, files)

    incident = Incident.objects.get()
    saved = {a.original_name: a.content_type for a in incident.attachments.all()}
    assert saved == {
        "trace.log": "text/plain",
        "screen.png": "image/png",
        "report.pdf": "application/pdf",
    }


def test_two_files_survive_back_and_next_and_both_are_saved(
    partner_client, catalogue, django_capture_on_commit_callbacks
):
    walk_to_attach(partner_client, catalogue["mail"])
    files = [SimpleUploadedFile("a.log", b"first\n"), SimpleUploadedFile("b.png", PNG)]

    # Back with two files chosen, then Next, then Submit without choosing again.
    response = partner_client.post(URL, {**attach_data(files), "wizard_goto_step": "supporting"})
    assert response.context["wizard"]["steps"].current == "supporting"
    response = partner_client.post(URL, supporting_data())
    assert response.context["wizard"]["steps"].current == "attach"
    assert "a.log" in response.content.decode() and "b.png" in response.content.decode()
    submit(partner_client, django_capture_on_commit_callbacks)

    names = sorted(a.original_name for a in Attachment.objects.all())
    assert names == ["a.log", "b.png"]
    assert all(a.file.read() for a in Attachment.objects.all())


def test_a_refused_upload_keeps_the_files_already_attached(
    partner_client, catalogue, django_capture_on_commit_callbacks
):
    walk_to_attach(partner_client, catalogue["mail"])
    partner_client.post(
        URL,
        {**attach_data([SimpleUploadedFile("a.log", b"ok\n")]), "wizard_goto_step": "supporting"},
    )
    partner_client.post(URL, supporting_data())

    response = partner_client.post(URL, attach_data([SimpleUploadedFile("x.html", b"<html>")]))
    assert "not accepted" in response.content.decode()
    submit(partner_client, django_capture_on_commit_callbacks)

    assert [a.original_name for a in Attachment.objects.all()] == ["a.log"]


# --- robustness ------------------------------------------------------------------------------
def test_posting_the_final_step_twice_creates_one_incident(
    partner_client, catalogue, django_capture_on_commit_callbacks
):
    walk_to_attach(partner_client, catalogue["mail"])
    first = submit(partner_client, django_capture_on_commit_callbacks)

    second = submit(partner_client, django_capture_on_commit_callbacks)

    assert Incident.objects.count() == 1
    assert second.status_code == 302 and second.url == first.url
    # The second run's draft was kept by its rolled-back transaction: deleted all the same.
    assert not Draft.objects.exists()
    assert len(mail.outbox) == 1


def test_a_repeated_final_post_goes_back_to_the_confirmation_of_this_user_only(
    partner_client, other_user, catalogue, django_capture_on_commit_callbacks
):
    # Where the submit led is kept in a signed cookie (no session write), for this user.
    walk_to_attach(partner_client, catalogue["mail"])
    first = submit(partner_client, django_capture_on_commit_callbacks)
    assert first.status_code == 302
    partner_client.force_login(other_user)  # another account, the same browser

    response = partner_client.post(URL, attach_data())

    assert response.status_code == 200
    assert response.context["wizard"]["steps"].current == "problem"
    assert Incident.objects.count() == 1


def test_a_tampered_confirmation_cookie_is_ignored(
    partner_client, catalogue, django_capture_on_commit_callbacks
):
    walk_to_attach(partner_client, catalogue["mail"])
    first = submit(partner_client, django_capture_on_commit_callbacks)
    name = next(key for key in partner_client.cookies if key.endswith("last_submitted"))
    partner_client.cookies[name] = "https://evil.example/:forged"

    response = partner_client.post(URL, attach_data())

    assert first.status_code == 302
    assert response.status_code == 200
    assert response.context["wizard"]["steps"].current == "problem"


def test_two_simultaneous_final_posts_of_one_run_create_one_incident(
    partner_client, catalogue, django_capture_on_commit_callbacks
):
    walk_to_attach(partner_client, catalogue["mail"])
    # The second request was read before the first one finished: same wizard state.
    # (The wizard's state is the user's saved draft.)
    draft = Draft.objects.get(wizard=f"wizard_{P}")
    snapshot = copy.deepcopy(draft.state)
    first = submit(partner_client, django_capture_on_commit_callbacks)
    Draft.objects.create(user=draft.user, wizard=draft.wizard, state=snapshot)

    second = submit(partner_client, django_capture_on_commit_callbacks)

    assert Incident.objects.count() == 1
    assert second.status_code == 302 and second.url == first.url


def test_posting_a_later_step_in_a_fresh_session_creates_nothing(partner_client, catalogue):
    # No GET first: nothing of this wizard is in the session.
    response = partner_client.post(URL, attach_data())

    assert response.status_code == 200
    assert response.context["wizard"]["steps"].current == "problem"
    assert not response.context["form"].is_bound
    assert Incident.objects.count() == 0


@pytest.mark.parametrize("step", ["description", "supporting", "attach"])
def test_posting_a_later_step_in_a_fresh_session_with_full_data_creates_nothing(
    partner_client, catalogue, step
):
    data = {**problem_data(catalogue["mail"]), **description_data(), **supporting_data()}
    data[STEP] = step

    response = partner_client.post(URL, data)

    assert response.context["wizard"]["steps"].current == "problem"
    assert Incident.objects.count() == 0


def test_a_forged_current_step_creates_nothing(partner_client, catalogue):
    partner_client.get(URL)
    partner_client.post(URL, problem_data(catalogue["mail"]))

    # At step 2, claim to be on the last step.
    response = partner_client.post(URL, {**supporting_data(), **attach_data()})

    assert response.status_code == 200
    assert response.context["wizard"]["steps"].current == "description"
    assert Incident.objects.count() == 0


def test_a_forged_forward_jump_is_sent_back_to_the_first_unfinished_step(partner_client, catalogue):
    partner_client.get(URL)

    response = partner_client.post(URL, {STEP: "problem", "wizard_goto_step": "attach"})

    assert response.context["wizard"]["steps"].current == "problem"
    assert Incident.objects.count() == 0


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"problem-issue_type": "1"},
        {STEP: ""},
        {STEP: "no-such-step"},
        {STEP: "done"},
        {STEP: "no-such-step", "wizard_goto_step": "problem"},
        {STEP: "x" * 5000},
    ],
    ids=["empty", "no-management", "blank", "unknown", "done", "unknown-with-goto", "huge"],
)
def test_bad_management_data_gets_400_never_500(partner_client, catalogue, data):
    partner_client.get(URL)

    response = partner_client.post(URL, data)

    assert response.status_code == 400
    assert Incident.objects.count() == 0


@pytest.mark.parametrize(
    "value", ["abc", "-1", "99999999999999999999999", "1.5", "", "0"], ids=repr
)
def test_junk_topic_ids_are_form_errors_not_crashes(partner_client, catalogue, value):
    partner_client.get(URL)

    response = partner_client.post(
        URL, {STEP: "problem", "problem-issue_type": value, "problem-service": value}
    )

    assert response.status_code == 200
    assert response.context["form"].errors


def test_junk_refresh_values_do_not_crash(partner_client, catalogue):
    partner_client.get(URL)

    response = partner_client.post(
        URL,
        {STEP: "problem", "problem-issue_type": "99999999999999999999999", "refresh_lists": "1"},
    )

    assert response.status_code == 200


# --- access ------------------------------------------------------------------------------------
def test_anonymous_users_are_sent_to_log_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert reverse("login") in response.url


def test_engineers_and_staff_cannot_submit_for_a_partner(client, db):
    client.force_login(make_engineer())

    assert client.get(URL).status_code == 403


def test_other_methods_are_not_allowed(partner_client, catalogue):
    assert partner_client.put(URL).status_code == 405
    assert partner_client.delete(URL).status_code == 405


def test_the_confirmation_is_not_shown_to_another_partner(
    partner_client, other_user, catalogue, client, django_capture_on_commit_callbacks
):
    walk_to_attach(partner_client, catalogue["mail"])
    response = submit(partner_client, django_capture_on_commit_callbacks)
    client.force_login(other_user)

    assert client.get(response.url).status_code == 404


def test_no_contract_is_needed(partner_client, catalogue, django_capture_on_commit_callbacks):
    assert not Contract.objects.exists()
    walk_to_attach(partner_client, catalogue["mail"])

    submit(partner_client, django_capture_on_commit_callbacks)

    assert Incident.objects.get().status == Status.SUBMITTED
