"""Staff admin fixes of issue 18: reject with a reason, Activate on the request's page,
lists that fit, plurals."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse

from contracts.models import ActivationRequest, ContractKind
from tests.builders import make_contract
from tests.contracts.helpers import action_pack_partner
from tests.contracts.test_staff_activation import make_request

REQUESTS = reverse("admin:contracts_activationrequest_changelist")


@pytest.fixture
def ap_partner(db):
    return action_pack_partner(name="Contoso AP")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_reject_asks_for_a_reason_first_and_changes_nothing_without_one(staff_client, ap_partner):
    request = make_request(ap_partner)
    data = {"action": "reject", ACTION_CHECKBOX_NAME: [request.pk]}

    page = staff_client.post(REQUESTS, data)
    assert page.status_code == 200 and "Reason (e-mailed to the requester)" in page.content.decode()
    staff_client.post(REQUESTS, {**data, "apply": "1", "reason": ""})

    request.refresh_from_db()
    assert request.status == ActivationRequest.Status.PENDING
    assert mail.outbox == []


def test_reject_with_a_reason_e_mails_the_requester_in_their_language(
    staff_client, ap_partner, django_capture_on_commit_callbacks
):
    request = make_request(ap_partner)
    request.requested_by.language = "hu"
    request.requested_by.save()
    data = {"action": "reject", ACTION_CHECKBOX_NAME: [request.pk], "apply": "1"}

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            REQUESTS, {**data, "reason": "The contract number is unknown."}, follow=True
        )

    request.refresh_from_db()
    assert request.status == ActivationRequest.Status.REJECTED
    assert "1 request rejected" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == [request.requested_by.email]
    assert "The contract number is unknown." in message.body
    assert "Hello" not in message.body  # Hungarian


def test_the_request_page_has_an_activate_button_that_activates(
    staff_client, ap_partner, django_capture_on_commit_callbacks
):
    contract = make_contract(ap_partner, kind=ContractKind.PRODUCT_SUPPORT, activated=False)
    request = make_request(ap_partner)
    url = reverse("admin:contracts_activationrequest_change", args=[request.pk])
    page = staff_client.get(url).content.decode()
    assert 'name="_activate"' in page
    form = staff_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {**data, "_activate": "1"}, follow=True)

    assert "1 contract activated" in response.content.decode()
    contract.refresh_from_db()
    request.refresh_from_db()
    assert contract.is_activated and request.status == ActivationRequest.Status.ACTIVATED
    assert 'name="_activate"' not in staff_client.get(url).content.decode()


def test_the_request_list_shows_the_requester_s_name(staff_client, ap_partner):
    request = make_request(ap_partner)
    user = request.requested_by
    html = staff_client.get(REQUESTS).content.decode()
    assert user.get_full_name() in html


def test_the_contract_list_has_six_columns(staff_client, ap_partner):
    make_contract(ap_partner, units=5)
    response = staff_client.get(reverse("admin:contracts_contract_changelist"))
    html = response.content.decode()
    table = html[html.index('id="result_list"') :]
    header = table[: table.index("</thead>")]
    assert header.count("<th ") == 7, header  # the checkbox and six columns
    assert "0 / 5" in html


@pytest.mark.parametrize(
    ("units", "contracts", "text"),
    [(3, 1, "3 units added to 1 contract."), (1, 2, "1 unit added to 2 contracts.")],
)
def test_adding_units_reads_right_in_the_singular_and_plural(
    staff_client, ap_partner, units, contracts, text
):
    chosen = [make_contract(ap_partner, units=5).pk for _ in range(contracts)]
    response = staff_client.post(
        reverse("admin:contracts_contract_changelist"),
        {
            "action": "add_units_selected",
            ACTION_CHECKBOX_NAME: chosen,
            "apply": "1",
            "count": str(units),
        },
        follow=True,
    )
    assert text in response.content.decode()


def test_the_ledger_names_the_staff_member_not_their_user_name(staff_client, staff, ap_partner):
    staff.first_name, staff.last_name = "Petra", "Novák"
    staff.save()
    contract = make_contract(ap_partner, units=5)
    contract.add_units(2, actor=staff, note="Goodwill")

    page = staff_client.get(reverse("admin:contracts_contract_change", args=[contract.pk]))
    ledger = reverse("admin:contracts_contractevent_changelist")

    assert "Petra Novák" in page.content.decode()
    assert f"<p>{staff.username}</p>" not in page.content.decode()
    assert "Petra Novák" in staff_client.get(ledger).content.decode()
