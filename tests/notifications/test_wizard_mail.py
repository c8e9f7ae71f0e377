"""Issue 15, "how it is checked": a title with U+2028 / CR / U+0085 / '"><' submits normally
through every wizard and the engineer can reply, each with one confirmation page and one
e-mail with a one-line, unescaped subject, delivered by the real worker through SMTP."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident
from notifications.models import OutgoingEmail
from portal.lib.mail import one_line
from tests.builders import make_contract
from tests.incidents import test_azure_wizard as azure_wizard
from tests.incidents import test_business_wizard as business_wizard
from tests.incidents import test_csp_requests as csp_requests
from tests.incidents import test_office365_wizard as o365_wizard
from tests.incidents.test_workflow_builders import make_incident
from tests.notifications.conftest import SmtpServer, run_worker

pytestmark = pytest.mark.django_db

TITLES = {
    "line-separator": "Mail\u2028stopped after the update",
    "carriage-return": "Mail\rstopped\r\nafter the update",
    "next-line": "Mail\u0085stopped after the update",
    "markup": 'Mail "><b>stopped</b> & more',
}


def _office365(client, user, title):
    catalogue = o365_wizard.o365_catalogue()
    assert client.get(o365_wizard.URL).status_code == 200
    for data in (
        o365_wizard.problem_data(catalogue["mail"]),
        o365_wizard.description_data(**{"description-title": title}),
        o365_wizard.supporting_data(),
    ):
        response = client.post(o365_wizard.URL, data)
        assert response.status_code == 200 and not response.context["form"].errors
    return client.post(o365_wizard.URL, o365_wizard.attach_data())


def _azure(client, user, title):
    from tests.incidents.test_azure_wizard import make_subscription

    topics = azure_wizard.azure.__wrapped__(None)
    subscription = make_subscription(user)
    contract = make_contract(user.partner, register_to=user, name="Signature Cloud 2026")
    azure_wizard.walk_to_details(client, topics, contract=contract)
    return azure_wizard.post_step(
        client, "details", azure_wizard.details(subscription, title=title)
    )


def _business(client, user, title):
    cat = business_wizard.make_onprem_catalogue()
    contract = business_wizard.product_support(user)
    client.get(business_wizard.URL)
    for data in (
        business_wizard.problem_data(cat, **{"problem-title": title}),
        business_wizard.support_data(contract),
        business_wizard.contact_data(user),
        business_wizard.share_data(),
    ):
        response = client.post(business_wizard.URL, data)
        assert response.status_code == 200 and not response.context["form"].errors
    return client.post(business_wizard.URL, business_wizard.REVIEW)


def _csp(client, user, title):
    from partners.models import CspRole

    user.partner.csp_role = CspRole.DIRECT_PROVIDER
    user.partner.save()
    customer = csp_requests.make_customer(user.partner)
    url = csp_requests.customer_url(customer)
    return client.post(url, csp_requests.request_data("office365", title=title))


def subject_of(message) -> str:
    """The Subject header as a reader sees it (a long header is folded onto a new line)."""
    value = str(message["Subject"])
    assert "\n" not in value.replace("\r\n ", " ").replace("\n ", " ")
    return value.strip()


WIZARDS = {"office365": _office365, "azure": _azure, "business": _business, "csp": _csp}


@pytest.mark.parametrize("title", TITLES.values(), ids=TITLES.keys())
@pytest.mark.parametrize("wizard", WIZARDS.keys())
def test_every_wizard_takes_any_title_with_one_confirmation_and_one_email(
    wizard, title, partner_client, partner_user, db_queue, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = WIZARDS[wizard](partner_client, partner_user, title)

    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:confirmation", args=[incident.number])
    assert partner_client.get(response["Location"]).status_code == 200
    run_worker("--no-schedule")

    assert len(smtp.mailbox.received) == 1
    expected = f"Support request {incident.number}: {one_line(incident.title)}"
    assert subject_of(smtp.mailbox.received[0]) == expected
    stored = OutgoingEmail.objects.get()
    assert stored.subject == expected and stored.status == OutgoingEmail.Status.SENT
    assert "&quot;" not in stored.subject and "&gt;" not in stored.subject


@pytest.mark.parametrize("title", TITLES.values(), ids=TITLES.keys())
def test_an_engineer_replies_on_an_incident_with_any_title(
    title, client, partner_user, engineer, db_queue, smtp, django_capture_on_commit_callbacks
):
    incident = make_incident(partner_user, title=title)
    OutgoingEmail.objects.all().delete()
    client.force_login(engineer)
    url = reverse("incidents:queue_action", args=[incident.number, "reply"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"body": "We are on it."})
    assert response.status_code == 302
    run_worker("--no-schedule")

    assert len(smtp.mailbox.received) == 1
    message = smtp.mailbox.received[0]
    expected = f"New reply on support request {incident.number}: {one_line(incident.title)}"
    assert subject_of(message) == expected
    assert OutgoingEmail.objects.get().subject == expected
    assert message["To"] == partner_user.email
    assert "We are on it." in message.get_body(("plain",)).get_content()


def test_with_the_smtp_server_stopped_submitting_and_replying_answer_at_once(
    partner_client,
    partner_user,
    engineer,
    client,
    db_queue,
    settings,
    django_capture_on_commit_callbacks,
):
    server = SmtpServer()  # not running yet
    settings.MAILERS = server.mailer()
    settings.EMAIL_RETRY_BACKOFF_SECONDS = 3600
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = _office365(partner_client, partner_user, TITLES["line-separator"])
    assert response.status_code == 302
    incident = Incident.objects.get()
    engineer_client = type(client)()
    engineer_client.force_login(engineer)
    url = reverse("incidents:queue_action", args=[incident.number, "reply"])
    with django_capture_on_commit_callbacks(execute=True):
        assert engineer_client.post(url, {"body": "Looking."}).status_code == 302
    assert time.monotonic() - started < 10
    run_worker("--no-schedule")  # the server is down: both wait for a retry
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {"pending"}

    server.start()
    try:
        # An hour later, when the retries are due:
        OutgoingEmail.objects.update(next_attempt_at=timezone.now())
        run_worker("--no-schedule")
    finally:
        server.stop()
    # The primary contact is written to at the address given in the wizard.
    assert [m["To"] for m in server.mailbox.received] == ["it-desk@contoso.example"] * 2
    assert sorted(subject_of(m).split(" ")[0] for m in server.mailbox.received) == [
        "New",
        "Support",
    ]
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {"sent"}
