"""Injection and escaping (issue 9 §2).

The payloads go into every text field a partner can fill — the incident's
texts and facts, contact details, messages, file names, activation request
details, profile names — and must come out escaped on every partner page,
engineer page, admin page and e-mail. Filter and sort parameters accept only
listed values.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contracts.models import ActivationRequest, RoutedTo
from incidents import workflow
from incidents.models import Incident
from incidents.services import IncidentDraft, save_attachment, submit_incident
from portal.lib.uploads import clean_filename

PAYLOADS = [
    "<script>alert('xss-1')</script>",
    "<img src=x onerror=alert('xss-2')>",
    "\"><svg onload=alert('xss-3')>",
    "javascript:alert('xss-4')",
]
RAW_MARKERS = ["<script>alert(", "<img src=x onerror", "<svg onload", 'href="javascript:']


def assert_escaped(body: str, where: str) -> None:
    for marker in RAW_MARKERS:
        assert marker not in body, f"{where}: unescaped {marker!r}"


@pytest.fixture
def hostile_incident(
    partner_user, other_user, engineer, settings, tmp_path, django_capture_on_commit_callbacks
):
    """An incident whose every partner-typed text is a payload."""
    settings.MEDIA_ROOT = tmp_path / "media"
    partner_user.first_name = PAYLOADS[0]
    partner_user.last_name = PAYLOADS[1]
    partner_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        incident = submit_incident(
            IncidentDraft(
                user=partner_user,
                channel="office365",
                title=PAYLOADS[0],
                description="\n".join(PAYLOADS),
                error_message=PAYLOADS[1],
                severity="A",
                contact_name=PAYLOADS[2],
                contact_phone=PAYLOADS[3],
                contact_email=partner_user.email,
                facts={
                    "tenant_domain": PAYLOADS[2],
                    "tried": PAYLOADS[0],
                    "users_affected": PAYLOADS[3],
                },
            )
        )
        for payload in PAYLOADS:
            upload = SimpleUploadedFile(f"{payload}.txt", b"log", content_type="text/plain")
            upload.content_type = "text/plain"
            upload.display_name = clean_filename(upload.name)
            save_attachment(incident, upload, partner_user)
        workflow.take(incident, engineer=engineer)
    ActivationRequest.objects.create(
        partner=partner_user.partner,
        location=partner_user.partner.headquarters,
        requested_by=partner_user,
        routed_to=RoutedTo.REGIONAL_SERVICE_CENTER,
        contact_name=PAYLOADS[0],
        company=PAYLOADS[2],
        membership_email="m@example.com",
        phone=PAYLOADS[3],
        city=PAYLOADS[1],
        partner_number=partner_user.partner.partner_number,
    )
    return incident


def test_partner_pages_escape_what_partners_typed(
    client, partner_user, hostile_incident, django_capture_on_commit_callbacks
):
    client.force_login(partner_user)
    number = hostile_incident.number
    with django_capture_on_commit_callbacks(execute=True):
        for payload in PAYLOADS:
            response = client.post(
                reverse("incidents:manage_message", args=[number]), {"body": payload}
            )
            assert response.status_code in (200, 302)
    pages = {
        "home": reverse("home"),
        "manage list": reverse("incidents:manage_list"),
        "manage detail": reverse("incidents:manage_detail", args=[number]),
        "confirmation": reverse("incidents:confirmation", args=[number]),
        "benefits": reverse("contracts:benefits"),
    }
    for where, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, where
        assert_escaped(response.content.decode(), where)
    detail = client.get(pages["manage detail"]).content.decode()
    assert "&lt;script&gt;alert(" in detail  # shown, as text


def test_engineer_pages_escape_what_partners_typed(client, engineer, hostile_incident):
    client.force_login(engineer)
    for url in (
        reverse("incidents:queue"),
        reverse("incidents:queue") + "?status=&sort=due",
        reverse("incidents:queue_detail", args=[hostile_incident.number]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_escaped(response.content.decode(), url)


def test_admin_pages_escape_what_partners_typed(client, staff, hostile_incident, partner_user):
    client.force_login(staff)
    activation = ActivationRequest.objects.get()
    urls = [
        reverse("admin:incidents_incident_changelist"),
        reverse("admin:incidents_incident_change", args=[hostile_incident.pk]),
        reverse("admin:contracts_activationrequest_changelist"),
        reverse("admin:contracts_activationrequest_change", args=[activation.pk]),
        reverse("admin:partners_user_changelist"),
        reverse("admin:partners_user_change", args=[partner_user.pk]),
        reverse("admin:incidents_incident_changelist") + "?q=" + PAYLOADS[0],
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_escaped(response.content.decode(), url)


def test_e_mails_carry_no_live_markup(
    hostile_incident, engineer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.reply(hostile_incident, engineer=engineer, body="Thanks " + PAYLOADS[0])
    assert mail.outbox
    for message in mail.outbox:
        for content, mimetype in getattr(message, "alternatives", []):
            if "html" in mimetype:
                assert_escaped(content, f"HTML e-mail {message.subject}")
        assert "\n" not in message.subject and "\r" not in message.subject


@pytest.mark.parametrize(
    "query",
    [
        "sort=title;DROP TABLE incidents_incident",
        "sort=-created_at",
        "sort=partner__users__password",
        "status=" + PAYLOADS[0],
        "severity=Z",
        "due=" + PAYLOADS[2],
        "owner=../../etc",
        "partner=1 OR 1=1",
        "after=" + PAYLOADS[1],
    ],
)
def test_queue_filters_and_sort_accept_only_listed_values(
    client, engineer, hostile_incident, query
):
    client.force_login(engineer)
    response = client.get(reverse("incidents:queue") + "?" + query)
    assert response.status_code in (200, 400)
    assert_escaped(response.content.decode(), query)
    assert Incident.objects.filter(pk=hostile_incident.pk).exists()


@pytest.mark.parametrize("query", ["status=" + PAYLOADS[0], "page=" + PAYLOADS[2], "status=zzz"])
def test_manage_list_filters_accept_only_listed_values(
    client, partner_user, hostile_incident, query
):
    client.force_login(partner_user)
    response = client.get(reverse("incidents:manage_list") + "?" + query)
    assert response.status_code in (200, 400)
    assert_escaped(response.content.decode(), query)
