"""Staff see failed e-mails with their error and can send them again, with a reason."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse

from notifications.models import OutgoingEmail

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:notifications_outgoingemail_changelist")


@pytest.fixture
def failed():
    return OutgoingEmail.objects.create(
        to=["anna@example.com"],
        from_email="support@localhost",
        subject="Support request SR-1: Mail",
        text="Body",
        message_id="<1@localhost>",
        status=OutgoingEmail.Status.FAILED,
        attempts=8,
        last_error="SMTPRecipientsRefused: 550 mailbox unavailable",
    )


@pytest.fixture
def staff_client(client, staff):
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    return client


def test_failed_messages_are_listed_and_show_their_error(staff_client, failed):
    page = staff_client.get(CHANGELIST, {"status": "failed"}).content.decode()
    assert "Support request SR-1: Mail" in page
    detail = staff_client.get(
        reverse("admin:notifications_outgoingemail_change", args=[failed.pk])
    ).content.decode()
    assert "550 mailbox unavailable" in detail


def test_resend_asks_for_a_reason_first(staff_client, failed):
    data = {"action": "resend", ACTION_CHECKBOX_NAME: [failed.pk]}
    page = staff_client.post(CHANGELIST, data)
    assert page.status_code == 200
    assert "Reason for sending again" in page.content.decode()
    failed.refresh_from_db()
    assert failed.status == OutgoingEmail.Status.FAILED

    refused = staff_client.post(CHANGELIST, {**data, "apply": "1", "reason": ""})
    assert "This field is required" in refused.content.decode()
    failed.refresh_from_db()
    assert failed.status == OutgoingEmail.Status.FAILED


def test_resend_with_a_reason_sends_it_again(
    staff_client, failed, django_capture_on_commit_callbacks
):
    data = {"action": "resend", ACTION_CHECKBOX_NAME: [failed.pk], "apply": "1"}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(CHANGELIST, {**data, "reason": "Address fixed\nby Anna"})
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == OutgoingEmail.Status.SENT and failed.attempts == 1
    assert "re-send: Address fixed by Anna" in failed.note
    assert [m.to for m in mail.outbox] == [["anna@example.com"]]
    assert mail.outbox[0].extra_headers["Message-ID"] == "<1@localhost>"


def test_the_outbox_is_staff_only(client, partner_user, failed):
    client.force_login(partner_user)
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and "login" in response["Location"]


def test_only_failed_messages_are_sent_again(
    staff_client, failed, django_capture_on_commit_callbacks
):
    failed.status = OutgoingEmail.Status.SENT
    failed.save()
    data = {"action": "resend", ACTION_CHECKBOX_NAME: [failed.pk], "apply": "1"}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(CHANGELIST, {**data, "reason": "Lost it"}, follow=True)
    assert "0 e-mails queued again." in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == OutgoingEmail.Status.SENT and failed.note == ""
    assert mail.outbox == []
