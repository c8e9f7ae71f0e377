"""A rejected activation request keeps its reason: stored on the request, shown on its
admin page and in its history, e-mailed through the outbox in the same transaction."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.db import transaction
from django.urls import reverse

from contracts.models import ActivationRequest, ContractKind
from contracts.services import ActivationError, reject_request
from notifications.models import OutgoingEmail
from tests.builders import make_contract
from tests.contracts.helpers import action_pack_partner
from tests.contracts.test_staff_activation import make_request

REQUESTS = reverse("admin:contracts_activationrequest_changelist")
REASON = "The contract number <b>is</b> unknown."


@pytest.fixture
def ap_partner(db):
    return action_pack_partner(name="Contoso AP")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def change_url(request):
    return reverse("admin:contracts_activationrequest_change", args=[request.pk])


def reject_url(request):
    return reverse("admin:contracts_activationrequest_reject", args=[request.pk])


# --- the service -------------------------------------------------------------------
def test_the_reason_is_stored_with_the_decision(ap_partner, staff):
    request = make_request(ap_partner)

    assert reject_request(request, staff, reason="  Unknown contract.  ")

    request.refresh_from_db()
    assert request.status == ActivationRequest.Status.REJECTED
    assert request.rejection_reason == "Unknown contract."
    assert request.decided_by == staff and request.decided_at is not None


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_rejection_without_a_reason_is_refused_and_changes_nothing(ap_partner, staff, reason):
    request = make_request(ap_partner)

    with pytest.raises(ActivationError):
        reject_request(request, staff, reason=reason)

    request.refresh_from_db()
    assert request.status == ActivationRequest.Status.PENDING
    assert not OutgoingEmail.objects.exists()


def test_the_e_mail_is_queued_in_the_outbox_with_the_decision(
    ap_partner, staff, django_capture_on_commit_callbacks
):
    request = make_request(ap_partner)

    with django_capture_on_commit_callbacks(execute=True):
        reject_request(request, staff, reason="Unknown contract.")

    (queued,) = OutgoingEmail.objects.all()
    assert queued.to == [request.requested_by.email]
    assert "Unknown contract." in queued.text
    assert len(mail.outbox) == 1  # delivered by the outbox worker after the commit


def test_a_rolled_back_rejection_leaves_no_reason_and_no_e_mail(ap_partner, staff):
    request = make_request(ap_partner)

    with pytest.raises(RuntimeError), transaction.atomic():
        reject_request(request, staff, reason="Unknown contract.")
        raise RuntimeError("the history entry failed")

    request.refresh_from_db()
    assert request.status == ActivationRequest.Status.PENDING and request.rejection_reason == ""
    assert not OutgoingEmail.objects.exists()


def test_a_decided_request_keeps_its_first_reason_and_nobody_is_e_mailed_twice(ap_partner, staff):
    request = make_request(ap_partner)
    reject_request(request, staff, reason="First reason.")

    assert not reject_request(request, staff, reason="Second reason.")

    request.refresh_from_db()
    assert request.rejection_reason == "First reason."
    assert OutgoingEmail.objects.count() == 1


def test_an_activated_request_cannot_be_rejected(ap_partner, staff):
    make_contract(ap_partner, kind=ContractKind.PRODUCT_SUPPORT, activated=False)
    request = make_request(ap_partner)
    from contracts.services import activate_request

    activate_request(request, staff)
    OutgoingEmail.objects.all().delete()

    assert not reject_request(request, staff, reason="Too late.")
    request.refresh_from_db()
    assert request.status == ActivationRequest.Status.ACTIVATED and request.rejection_reason == ""
    assert not OutgoingEmail.objects.exists()


# --- the admin -----------------------------------------------------------------------
def test_the_list_action_stores_the_reason_and_writes_the_history(staff_client, staff, ap_partner):
    request = make_request(ap_partner)

    staff_client.post(
        REQUESTS,
        {"action": "reject", ACTION_CHECKBOX_NAME: [request.pk], "apply": "1", "reason": REASON},
    )

    request.refresh_from_db()
    assert request.rejection_reason == REASON
    entry = LogEntry.objects.get(object_id=str(request.pk))
    assert entry.user == staff and REASON in entry.get_change_message()


def test_the_request_page_shows_the_reason_escaped_and_its_history_too(staff_client, ap_partner):
    request = make_request(ap_partner)
    staff_client.post(
        REQUESTS,
        {"action": "reject", ACTION_CHECKBOX_NAME: [request.pk], "apply": "1", "reason": REASON},
    )

    page = staff_client.get(change_url(request)).content.decode()
    assert "Reason for the rejection" in page
    assert "The contract number &lt;b&gt;is&lt;/b&gt; unknown." in page
    assert "<b>is</b>" not in page
    assert 'data-testid="reject"' not in page and 'name="_activate"' not in page
    history_url = reverse("admin:contracts_activationrequest_history", args=[request.pk])
    history = staff_client.get(history_url).content.decode()
    assert "The contract number &lt;b&gt;is&lt;/b&gt; unknown." in history


def test_the_request_page_shows_people_s_names_not_user_names(staff_client, staff, ap_partner):
    request = make_request(ap_partner)
    reject_request(request, staff, reason="Unknown contract.")
    requester = request.requested_by

    page = staff_client.get(change_url(request)).content.decode()

    assert requester.get_full_name() in page and staff.get_full_name() in page
    assert f">{requester.username}<" not in page and f">{staff.username}<" not in page


def test_the_reject_button_of_the_request_page_asks_for_the_reason_then_rejects(
    staff_client, ap_partner, django_capture_on_commit_callbacks
):
    request = make_request(ap_partner)
    page = staff_client.get(change_url(request)).content.decode()
    assert f'href="{reject_url(request)}"' in page

    form = staff_client.get(reject_url(request))
    assert form.status_code == 200
    assert "Reason (e-mailed to the requester)" in form.content.decode()
    staff_client.post(reject_url(request), {"apply": "1", "reason": ""})
    request.refresh_from_db()
    assert request.status == ActivationRequest.Status.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reject_url(request), {"apply": "1", "reason": "Unknown contract."}
        )

    assert response.status_code == 302 and response.url == change_url(request)
    request.refresh_from_db()
    assert request.status == ActivationRequest.Status.REJECTED
    assert request.rejection_reason == "Unknown contract."
    assert [m.to for m in mail.outbox] == [[request.requested_by.email]]


def test_the_reject_page_is_for_staff_only(client, partner_user, ap_partner):
    request = make_request(ap_partner)
    client.force_login(partner_user)

    response = client.post(reject_url(request), {"apply": "1", "reason": "No."})

    assert response.status_code == 302 and "/login/" in response.url
    request.refresh_from_db()
    assert request.status == ActivationRequest.Status.PENDING


def test_the_reject_page_of_an_unknown_request_is_404(staff_client, db):
    assert (
        staff_client.get(
            reverse("admin:contracts_activationrequest_reject", args=[999])
        ).status_code
        == 404
    )


def test_cancel_on_the_reason_form_goes_back_where_staff_came_from(staff_client, ap_partner):
    request = make_request(ap_partner)

    from_page = staff_client.get(reject_url(request)).content.decode()
    from_list = staff_client.post(
        REQUESTS, {"action": "reject", ACTION_CHECKBOX_NAME: [request.pk]}
    ).content.decode()

    assert f'href="{change_url(request)}" class="closelink"' in from_page
    assert f'href="{REQUESTS}" class="closelink"' in from_list


def test_an_activation_from_the_admin_is_written_in_the_request_s_history(
    staff_client, staff, ap_partner
):
    make_contract(ap_partner, kind=ContractKind.PRODUCT_SUPPORT, activated=False)
    request = make_request(ap_partner)

    staff_client.post(REQUESTS, {"action": "activate", ACTION_CHECKBOX_NAME: [request.pk]})

    entry = LogEntry.objects.get(object_id=str(request.pk))
    assert entry.user == staff and entry.get_change_message() == "Activated: 1 contract activated."


def test_a_refused_activation_writes_no_history(staff_client, ap_partner):
    request = make_request(ap_partner)  # no contract waiting: refused, rolled back

    staff_client.post(REQUESTS, {"action": "activate", ACTION_CHECKBOX_NAME: [request.pk]})

    assert not LogEntry.objects.filter(object_id=str(request.pk)).exists()
