import datetime as dt

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from contracts.models import (
    ActivationRequest,
    Contract,
    ContractEvent,
    ContractKind,
    activation_route,
)
from contracts.services import ActivationError, activate_request, reject_request
from portal.lib.i18n import local_date
from tests.builders import make_contract
from tests.contracts.helpers import action_pack_partner, make_admin, make_location


def make_request(partner, location=None, user=None, **extra):
    user = user or make_admin(partner, alternate_email="")
    location = location or partner.headquarters
    return ActivationRequest.objects.create(
        partner=partner,
        location=location,
        requested_by=user,
        routed_to=activation_route(partner),
        contact_name=user.get_full_name(),
        company=partner.name,
        membership_email=partner.membership_email,
        phone="+36 1 555 0100",
        city=location.city,
        country=location.country,
        partner_number=partner.partner_number,
        **extra,
    )


@pytest.fixture
def ap_partner(db):
    return action_pack_partner(name="Contoso AP")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def activate(request, staff, callbacks):
    with callbacks(execute=True):
        return activate_request(request, staff)


# --- who receives the IDs --------------------------------------------------------
def test_core_benefits_ids_go_to_the_headquarters_program_contact(
    ap_partner, staff, django_capture_on_commit_callbacks
):
    psi = make_contract(ap_partner, kind=ContractKind.PRODUCT_SUPPORT, activated=False)
    advisory = make_contract(
        ap_partner, kind=ContractKind.ADVISORY, activated=False, location=ap_partner.headquarters
    )
    request = make_request(ap_partner)

    activated = activate(request, staff, django_capture_on_commit_callbacks)

    assert {c.pk for c in activated} == {psi.pk, advisory.pk}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [ap_partner.headquarters.program_contact_email]
    for contract in (psi, advisory):
        assert contract.access_id in message.body
        assert contract.contract_id in message.body


def test_abtk_ids_go_to_the_locations_program_contact(
    ap_partner, staff, django_capture_on_commit_callbacks
):
    osaka = make_location(ap_partner, program_contact_email="osaka-programs@contoso.example")
    abtk = make_contract(
        ap_partner, kind=ContractKind.PRODUCT_SUPPORT, activated=False, location=osaka
    )
    core = make_contract(ap_partner, kind=ContractKind.PRODUCT_SUPPORT, activated=False)

    activate(make_request(ap_partner, osaka), staff, django_capture_on_commit_callbacks)

    assert mail.outbox[0].to == ["osaka-programs@contoso.example"]
    assert abtk.contract_id in mail.outbox[0].body
    assert core.contract_id not in mail.outbox[0].body
    core.refresh_from_db()
    assert not core.is_activated  # only the ABTK's scope


def test_without_a_program_contact_the_ids_go_to_the_requesting_user_and_alternate_email(
    ap_partner, staff, django_capture_on_commit_callbacks
):
    osaka = make_location(ap_partner)  # no program contact recorded
    contract = make_contract(
        ap_partner, kind=ContractKind.PRODUCT_SUPPORT, activated=False, location=osaka
    )
    requester = make_admin(ap_partner, username="kenji")
    request = make_request(ap_partner, osaka, user=requester, alternate_email="kenji@home.example")

    activate(request, staff, django_capture_on_commit_callbacks)

    assert mail.outbox[0].to == ["kenji@example.com", "kenji@home.example"]
    assert contract.access_id in mail.outbox[0].body


def test_no_email_is_sent_when_the_activation_rolls_back(
    ap_partner, staff, django_capture_on_commit_callbacks
):
    request = make_request(ap_partner)  # no contract recorded yet

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ActivationError):
        activate_request(request, staff)

    assert mail.outbox == []
    request.refresh_from_db()
    assert request.status == ActivationRequest.Status.PENDING


# --- dates, state and ledger ---------------------------------------------------
def test_activation_sets_one_year_plus_30_days_for_partner_network_contracts(ap_partner, staff):
    psi = make_contract(ap_partner, kind=ContractKind.PRODUCT_SUPPORT, activated=False)
    today = timezone.localdate()

    activate_request(make_request(ap_partner), staff)

    psi.refresh_from_db()
    assert psi.status == Contract.Status.ACTIVATED
    assert psi.activated_on == today
    assert psi.ends_on == today.replace(year=today.year + 1) + dt.timedelta(days=30)
    event = psi.events.get()
    assert event.kind == ContractEvent.Kind.ACTIVATED and event.actor == staff


def test_activation_sets_one_year_for_other_contracts(ap_partner, staff):
    vs = make_contract(ap_partner, kind=ContractKind.VISUAL_STUDIO, activated=False)
    today = timezone.localdate()

    activate_request(make_request(ap_partner), staff)

    vs.refresh_from_db()
    assert vs.ends_on == today.replace(year=today.year + 1)


def test_validity_end_handles_29_february():
    contract = Contract(kind=ContractKind.VISUAL_STUDIO)
    assert contract.validity_end(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
    contract.kind = ContractKind.SIGNATURE_CLOUD
    assert contract.validity_end(dt.date(2024, 2, 29)) == dt.date(2025, 3, 30)


def test_the_request_records_the_decision(ap_partner, staff):
    make_contract(ap_partner, kind=ContractKind.PRODUCT_SUPPORT, activated=False)
    request = make_request(ap_partner)

    activate_request(request, staff)

    request.refresh_from_db()
    assert request.status == ActivationRequest.Status.ACTIVATED
    assert request.decided_by == staff
    assert request.decided_at is not None


def test_a_decided_request_cannot_be_activated_again(ap_partner, staff):
    make_contract(ap_partner, kind=ContractKind.PRODUCT_SUPPORT, activated=False)
    request = make_request(ap_partner)
    activate_request(request, staff)

    with pytest.raises(ActivationError):
        activate_request(request, staff)
    assert ContractEvent.objects.filter(kind=ContractEvent.Kind.ACTIVATED).count() == 1


def test_already_activated_contracts_keep_their_dates(ap_partner, staff):
    old = make_contract(ap_partner, kind=ContractKind.ADVISORY, ends_on=dt.date(2030, 1, 1))
    make_contract(ap_partner, kind=ContractKind.PRODUCT_SUPPORT, activated=False)

    activated = activate_request(make_request(ap_partner), staff)

    old.refresh_from_db()
    assert old not in activated and old.ends_on == dt.date(2030, 1, 1)


def test_a_rejected_request_activates_nothing(ap_partner, staff):
    contract = make_contract(ap_partner, kind=ContractKind.PRODUCT_SUPPORT, activated=False)
    request = make_request(ap_partner)

    assert reject_request(request, staff, reason="No contract recorded.")
    with pytest.raises(ActivationError):
        activate_request(request, staff)
    contract.refresh_from_db()
    assert not contract.is_activated


# --- admin ---------------------------------------------------------------------
def test_staff_activate_a_request_with_one_admin_action(
    staff_client, ap_partner, django_capture_on_commit_callbacks
):
    contract = make_contract(ap_partner, kind=ContractKind.PRODUCT_SUPPORT, activated=False)
    request = make_request(ap_partner)
    url = reverse("admin:contracts_activationrequest_changelist")

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url, {"action": "activate", ACTION_CHECKBOX_NAME: [request.pk]}, follow=True
        )

    assert response.status_code == 200
    assert "1 contract activated" in response.content.decode()
    contract.refresh_from_db()
    assert contract.is_activated
    assert len(mail.outbox) == 1


def test_the_admin_action_reports_a_request_with_nothing_to_activate(staff_client, ap_partner):
    request = make_request(ap_partner)

    response = staff_client.post(
        reverse("admin:contracts_activationrequest_changelist"),
        {"action": "activate", ACTION_CHECKBOX_NAME: [request.pk]},
        follow=True,
    )

    assert "no contract waiting for activation" in response.content.decode()


def test_staff_extend_contracts_and_the_change_is_recorded(staff_client, staff, ap_partner):
    contract = make_contract(ap_partner, ends_on=dt.date(2030, 1, 1))
    url = reverse("admin:contracts_contract_changelist")
    data = {"action": "extend_selected", ACTION_CHECKBOX_NAME: [contract.pk]}

    form_page = staff_client.post(url, data)
    assert form_page.status_code == 200 and "New end date" in form_page.content.decode()
    staff_client.post(url, {**data, "apply": "1", "until": "2031-06-30"})

    contract.refresh_from_db()
    assert contract.ends_on == dt.date(2031, 6, 30)
    event = contract.events.get(kind=ContractEvent.Kind.EXTENDED)
    assert event.actor == staff and local_date(dt.date(2030, 1, 1)) in event.note


def test_staff_add_units_and_the_change_is_recorded(staff_client, staff, ap_partner):
    contract = make_contract(ap_partner, units=5)
    url = reverse("admin:contracts_contract_changelist")

    staff_client.post(
        url,
        {
            "action": "add_units_selected",
            ACTION_CHECKBOX_NAME: [contract.pk],
            "apply": "1",
            "count": "3",
            "note": "Goodwill",
        },
    )

    contract.refresh_from_db()
    assert contract.units_granted == 8
    event = contract.events.get(kind=ContractEvent.Kind.UNITS_ADDED)
    assert event.units_delta == 3 and event.actor == staff and event.note == "Goodwill"


def test_staff_activate_contracts_from_the_contract_list(
    staff_client, ap_partner, django_capture_on_commit_callbacks
):
    contract = make_contract(ap_partner, kind=ContractKind.PRODUCT_SUPPORT, activated=False)

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("admin:contracts_contract_changelist"),
            {"action": "activate_selected", ACTION_CHECKBOX_NAME: [contract.pk]},
        )

    contract.refresh_from_db()
    assert contract.is_activated
    assert mail.outbox[0].to == [ap_partner.headquarters.program_contact_email]


def test_units_and_dates_are_read_only_in_the_contract_form(staff_client, ap_partner):
    contract = make_contract(ap_partner, units=5)
    url = reverse("admin:contracts_contract_change", args=[contract.pk])

    body = staff_client.get(url).content.decode()

    assert 'name="units_granted"' not in body
    assert 'name="units_used"' not in body
    assert 'name="ends_on"' not in body


@pytest.mark.parametrize(
    "name",
    [
        "contracts_contract_changelist",
        "contracts_contractevent_changelist",
        "contracts_activationrequest_changelist",
        "contracts_product_changelist",
        "contracts_countryactivationrule_changelist",
    ],
)
def test_admin_lists_open_for_staff(staff_client, ap_partner, name):
    contract = make_contract(ap_partner)
    contract.consume_unit(incident_number="SR-1")
    make_request(ap_partner)
    assert staff_client.get(reverse(f"admin:{name}"), {"q": "x"}).status_code == 200
    assert staff_client.get(reverse(f"admin:{name}")).status_code == 200


def test_the_contract_change_page_shows_the_ledger(staff_client, ap_partner):
    contract = make_contract(ap_partner)
    contract.consume_unit(incident_number="SR-42")

    body = staff_client.get(
        reverse("admin:contracts_contract_change", args=[contract.pk])
    ).content.decode()

    assert "SR-42" in body


def test_the_admin_is_closed_to_partner_users(client, ap_partner):
    client.force_login(make_admin(ap_partner))
    response = client.get(reverse("admin:contracts_activationrequest_changelist"))
    assert response.status_code == 302


def test_the_contract_list_action_activates_only_the_selected_contracts(staff_client, ap_partner):
    chosen = make_contract(ap_partner, kind=ContractKind.PRODUCT_SUPPORT, activated=False)
    other = make_contract(ap_partner, kind=ContractKind.ADVISORY, activated=False)

    staff_client.post(
        reverse("admin:contracts_contract_changelist"),
        {"action": "activate_selected", ACTION_CHECKBOX_NAME: [chosen.pk]},
    )

    chosen.refresh_from_db(), other.refresh_from_db()
    assert chosen.is_activated and not other.is_activated


def test_staff_record_a_new_contract_not_yet_activated(staff_client, ap_partner):
    url = reverse("admin:contracts_contract_add")
    assert staff_client.get(url).status_code == 200

    response = staff_client.post(
        url,
        {
            "partner": ap_partner.pk,
            "location": ap_partner.headquarters.pk,
            "kind": ContractKind.PRODUCT_SUPPORT,
            "name": "Partner support Action Pack 10-pack",
            "access_id": "AP-ACC-1",
            "contract_id": "AP-CON-1",
            "units_granted": "10",
            "registrations-TOTAL_FORMS": "0",
            "registrations-INITIAL_FORMS": "0",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    contract = Contract.objects.get(contract_id="AP-CON-1")
    assert contract.units_granted == 10 and not contract.is_activated and contract.ends_on is None
