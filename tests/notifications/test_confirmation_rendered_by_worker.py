"""The confirmation e-mail of a new incident is queued unrendered in the submit's
transaction and rendered by the worker that sends it (issue 21): never lost, never
sent for a rolled-back incident, in the recipient's language, telling what was submitted."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation

from incidents.models import Incident, Status
from incidents.services import IncidentDraft, SubmissionError, submit_incident
from notifications import services
from notifications.models import OutgoingEmail
from tests.builders import make_contract, make_partner, make_user

pytestmark = pytest.mark.django_db


def draft(user, **fields) -> IncidentDraft:
    return IncidentDraft(
        user=user,
        channel="office365",
        title=fields.pop("title", "Mail flow stopped"),
        description="No mail since 9:00",
        severity=fields.pop("severity", "B"),
        contact_name="Anna",
        contact_email=fields.pop("contact_email", "anna@example.com"),
        **fields,
    )


def test_the_submit_queues_the_confirmation_unrendered_in_its_transaction(
    django_capture_on_commit_callbacks,
):
    user = make_user(make_partner(), language="hu")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        incident = submit_incident(draft(user))

    row = OutgoingEmail.objects.get()
    assert (row.template, row.language, row.to) == (
        "incident-submitted",
        "hu",
        ["anna@example.com"],
    )
    assert row.text == "" and row.context["incident"]["number"] == incident.number
    assert row.status == OutgoingEmail.Status.PENDING
    # Delivered after the commit (no worker in the tests).
    assert any("send_email" in repr(callback) for callback in callbacks)


def test_a_rolled_back_submit_queues_no_confirmation():
    user = make_user(make_partner())
    contract = make_contract(user.partner, register_to=user, units=1, used=1)

    with pytest.raises(SubmissionError):
        submit_incident(draft(user, contract=contract))

    assert not Incident.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_the_worker_renders_it_in_the_recipients_language_and_keeps_the_text(
    django_capture_on_commit_callbacks,
):
    user = make_user(make_partner(), language="hu")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        incident = submit_incident(draft(user))

    (message,) = mail.outbox
    with translation.override("hu"):
        greeting = translation.gettext("Hello %(name)s,") % {"name": "Anna"}
        summary = translation.gettext("Summary")
    assert summary != "Summary", "the hu catalogue is not compiled"
    assert incident.number in message.subject
    assert greeting in message.body and summary in message.body
    row = OutgoingEmail.objects.get()
    assert row.status == OutgoingEmail.Status.SENT
    assert (row.subject, row.text) == (message.subject, message.body)


def test_without_a_preferred_language_it_is_written_in_the_language_of_the_submit(
    django_capture_on_commit_callbacks,
):
    user = make_user(make_partner(), language="")
    with translation.override("cs"), django_capture_on_commit_callbacks(execute=False):
        submit_incident(draft(user))

    assert OutgoingEmail.objects.get().language == "cs"


def test_it_tells_what_was_submitted_whatever_happened_to_the_incident_since(
    django_capture_on_commit_callbacks,
):
    user = make_user(make_partner(), language="en")
    with django_capture_on_commit_callbacks(execute=False):
        incident = submit_incident(draft(user, title="Mail flow stopped"))
    Incident.objects.filter(pk=incident.pk).update(
        status=Status.IN_PROGRESS,
        title="Renamed by an engineer",
    )

    assert services.deliver(OutgoingEmail.objects.get().pk) == "sent"

    (message,) = mail.outbox
    assert f"We have received your support request {incident.number}." in message.body
    assert "An engineer will respond by" in message.body
    assert message.subject == f"Support request {incident.number}: Mail flow stopped"


def test_a_retry_sends_the_text_rendered_at_the_first_attempt(django_capture_on_commit_callbacks):
    user = make_user(make_partner(), language="en")
    with django_capture_on_commit_callbacks(execute=False):
        submit_incident(draft(user))
    row = OutgoingEmail.objects.get()
    services._render(row)
    OutgoingEmail.objects.filter(pk=row.pk).update(text="As first rendered.")

    assert services.deliver(row.pk) == "sent"

    assert mail.outbox[0].body == "As first rendered."


def test_only_the_named_emails_are_rendered_by_the_worker():
    from portal.lib.mail import outbox_row_rendered_later

    with pytest.raises(ValueError):
        outbox_row_rendered_later("password-reset", ["a@example.com"], {}, language="en")


def test_no_address_no_row():
    from portal.lib.mail import outbox_row_rendered_later

    assert outbox_row_rendered_later("incident-submitted", [""], {}, language="en") is None


@pytest.mark.parametrize("route_to", ["", "billing"])
def test_the_worker_writes_what_the_request_would_have_written(
    route_to, django_capture_on_commit_callbacks
):
    """Every field the e-mail shows is kept on the row (incidents.services.CONFIRMED_FIELDS):
    the worker's text equals the text rendered from the incident itself."""
    from partners.models import Customer
    from portal.lib.mail import render_email
    from tests.builders import make_product, make_topic_path

    user = make_user(make_partner(), language="ja")
    product = make_product("Exchange Online")
    topic = make_topic_path("office365", "Exchange Online", "Mail flow")[-1]
    customer = Customer.objects.create(name="Tailspin Toys", tenant_domain="tailspin.example")
    contract = make_contract(user.partner, register_to=user, units=3)
    with django_capture_on_commit_callbacks(execute=True):
        incident = submit_incident(
            draft(
                user,
                severity="A",
                is_24x7=True,
                contact_phone="+36 1 234 5678",
                time_zone="Asia/Tokyo",
                product=product,
                topic=topic,
                customer=customer,
                contract=None if route_to else contract,
                route_to=route_to,
            )
        )

    (message,) = mail.outbox
    expected = render_email(
        "incident-submitted",
        {"incident": Incident.objects.get(pk=incident.pk), "user": user},
        language="ja",
    )
    assert (message.subject, message.body) == (expected.subject, expected.text)
