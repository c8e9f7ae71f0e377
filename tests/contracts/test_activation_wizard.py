import pytest
from django.core import mail
from django.urls import reverse

from contracts.models import ActivationRequest, ContractKind, RoutedTo
from partners.models import MembershipLevel, Region, User
from tests.builders import make_contract, make_engineer, make_partner, make_staff, make_user
from tests.contracts.helpers import action_pack_partner, make_admin, make_location

URL = reverse("contracts:activation")
PREFIX = "activation_wizard"


def step(client, name, data=None):
    payload = {f"{PREFIX}-current_step": name}
    payload.update({f"{name}-{k}": v for k, v in (data or {}).items()})
    return client.post(URL, payload)


def contact(**overrides):
    data = {
        "membership_email": "membership@contoso.example",
        "contact_name": "Anna Admin",
        "company": "Contoso",
        "phone": "+36 1 555 0100",
        "city": "Budapest",
        "country": "HU",
        "alternate_email": "anna.alt@contoso.example",
    }
    data.update(overrides)
    return data


@pytest.fixture
def ap_partner(db):
    partner = action_pack_partner(name="Contoso AP")
    make_contract(partner, kind=ContractKind.PRODUCT_SUPPORT, activated=False, units=10)
    return partner


@pytest.fixture
def ap_admin(ap_partner):
    return make_admin(ap_partner, username="apadmin", alternate_email="alt@contoso.example")


@pytest.fixture
def admin_client(client, ap_admin):
    client.force_login(ap_admin)
    return client


def run_wizard(client, location, **contact_overrides):
    client.get(URL)
    response = step(client, "benefit", {"location": location.pk})
    assert response.status_code == 200, response.content
    response = step(client, "contact", contact(**contact_overrides))
    assert response.status_code == 200
    assert response.context["wizard"]["steps"].current == "review", response.context["form"].errors
    return step(client, "review")


def test_it_requires_login(client, db):
    assert client.get(URL).status_code == 302


def test_a_global_admin_requests_activation_of_the_core_benefits(
    admin_client, ap_admin, ap_partner
):
    hq = ap_partner.headquarters

    response = run_wizard(admin_client, hq)

    activation = ActivationRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("contracts:activation_sent", args=[activation.pk])
    assert activation.location == hq
    assert activation.requested_by == ap_admin
    assert activation.status == ActivationRequest.Status.PENDING
    assert activation.partner_number == ap_partner.partner_number
    assert activation.alternate_email == "anna.alt@contoso.example"
    assert activation.routed_to == RoutedTo.REGIONAL_SERVICE_CENTER  # EMEA


def test_the_partner_is_told_where_the_request_went(admin_client, ap_partner):
    response = run_wizard(admin_client, ap_partner.headquarters)

    page = admin_client.get(response["Location"]).content.decode()

    assert "Your request was sent to the Regional Service Center." in page
    assert "Advisory requests may be made before the activation." in page


def test_an_acknowledgement_is_emailed_to_the_requesting_user(
    admin_client, ap_admin, ap_partner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run_wizard(admin_client, ap_partner.headquarters)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [ap_admin.email, "anna.alt@contoso.example"]
    assert "Regional Service Center" in message.body


def test_the_contact_step_is_prefilled(admin_client, ap_admin, ap_partner):
    admin_client.get(URL)
    response = step(admin_client, "benefit", {"location": ap_partner.headquarters.pk})

    form = response.context["form"]
    assert form.initial["partner_number"] == ap_partner.partner_number
    assert form.initial["membership_email"] == ap_partner.membership_email
    assert form.initial["company"] == ap_partner.name
    assert form.initial["contact_name"] == ap_admin.get_full_name()
    assert form.initial["city"] == "Budapest"
    assert form.initial["alternate_email"] == "alt@contoso.example"


@pytest.mark.parametrize(
    "missing", ["membership_email", "contact_name", "company", "phone", "city", "country"]
)
def test_emea_requests_need_every_contact_detail(admin_client, ap_partner, missing):
    admin_client.get(URL)
    step(admin_client, "benefit", {"location": ap_partner.headquarters.pk})

    response = step(admin_client, "contact", contact(**{missing: ""}))

    assert response.context["wizard"]["steps"].current == "contact"
    assert missing in response.context["form"].errors
    assert "There is a problem" in response.content.decode()


def test_the_partner_id_cannot_be_changed(admin_client, ap_partner):
    admin_client.get(URL)
    step(admin_client, "benefit", {"location": ap_partner.headquarters.pk})
    step(admin_client, "contact", contact(partner_number="999999"))
    step(admin_client, "review")

    assert ActivationRequest.objects.get().partner_number == ap_partner.partner_number


def test_outside_emea_city_and_country_are_optional(client, db):
    partner = action_pack_partner(region=Region.NORTH_AMERICA, country="US")
    client.force_login(make_admin(partner))

    response = run_wizard(client, partner.headquarters, city="", country="", phone="")

    assert response.status_code == 302
    assert ActivationRequest.objects.get().routed_to == RoutedTo.REGIONAL_SERVICE_CENTER


@pytest.mark.parametrize(
    ("region", "country", "routed_to"),
    [
        (Region.NORTH_AMERICA, "US", RoutedTo.REGIONAL_SERVICE_CENTER),
        (Region.LATIN_AMERICA, "BR", RoutedTo.REGIONAL_SERVICE_CENTER),
        (Region.EMEA, "CZ", RoutedTo.REGIONAL_SERVICE_CENTER),
        (Region.APGC, "JP", RoutedTo.TECHNICAL_SUPPORT),
        (Region.APGC, "KR", RoutedTo.TECHNICAL_SUPPORT),
        (Region.APGC, "AU", RoutedTo.REGIONAL_SERVICE_CENTER),
        (Region.APGC, "NZ", RoutedTo.REGIONAL_SERVICE_CENTER),
        (Region.APGC, "TW", RoutedTo.REGIONAL_SERVICE_CENTER),
    ],
)
def test_requests_are_routed_by_region(client, db, region, country, routed_to):
    partner = action_pack_partner(region=region, country=country)
    client.force_login(make_admin(partner))

    response = run_wizard(client, partner.headquarters, country=country)

    activation = ActivationRequest.objects.get()
    assert activation.routed_to == routed_to
    page = client.get(response["Location"]).content.decode()
    expected = {
        RoutedTo.TECHNICAL_SUPPORT: "Your request was sent to Technical Support.",
        RoutedTo.REGIONAL_SERVICE_CENTER: "Your request was sent to the Regional Service Center.",
    }[routed_to]
    assert expected in page


def test_the_chosen_locations_country_decides_the_route(client, db):
    """A Japanese APGC partner's location in Taiwan goes to the Regional Service Center,
    its location in Japan to Technical Support (issue 20)."""
    partner = action_pack_partner(region=Region.APGC, country="JP")
    taipei = make_location(partner, country="TW")
    client.force_login(make_admin(partner))

    run_wizard(client, taipei, country="TW")
    assert ActivationRequest.objects.get().routed_to == RoutedTo.REGIONAL_SERVICE_CENTER

    ActivationRequest.objects.all().delete()
    run_wizard(client, partner.headquarters, country="JP")
    assert ActivationRequest.objects.get().routed_to == RoutedTo.TECHNICAL_SUPPORT


def test_a_partner_admin_may_request_an_abtk_for_a_location(client, ap_partner):
    osaka = make_location(ap_partner)
    client.force_login(make_admin(ap_partner, role=User.PartnerRole.PARTNER_ADMIN))

    run_wizard(client, osaka)

    assert ActivationRequest.objects.get().location == osaka


def test_the_benefit_step_offers_only_own_locations(admin_client, ap_partner, other_partner):
    foreign = other_partner.headquarters
    admin_client.get(URL)

    response = step(admin_client, "benefit", {"location": foreign.pk})

    assert response.context["wizard"]["steps"].current == "benefit"
    assert "location" in response.context["form"].errors


def test_a_second_request_for_a_pending_benefit_is_refused(client, ap_partner, ap_admin):
    client.force_login(ap_admin)
    run_wizard(client, ap_partner.headquarters)
    colleague = make_admin(ap_partner, username="colleague")
    client.force_login(colleague)
    client.get(URL)

    response = step(client, "benefit", {"location": ap_partner.headquarters.pk})

    assert response.context["wizard"]["steps"].current == "benefit"
    assert "already pending" in response.content.decode()
    assert ap_admin.email in response.content.decode()
    assert ActivationRequest.objects.count() == 1


def test_already_activated_benefits_are_not_requested_again(client, db):
    partner = action_pack_partner()
    make_contract(partner, kind=ContractKind.PRODUCT_SUPPORT)
    client.force_login(make_admin(partner))
    client.get(URL)

    response = step(client, "benefit", {"location": partner.headquarters.pk})

    assert "already activated" in response.content.decode()


def test_an_ordinary_user_gets_403_with_a_message_naming_the_admins(client, ap_partner, ap_admin):
    client.force_login(make_user(ap_partner))

    response = client.get(URL)

    assert response.status_code == 403
    body = response.content.decode()
    assert "Only your company&#x27;s global admin or partner admin" in body
    assert ap_admin.email in body
    assert client.post(URL, {f"{PREFIX}-current_step": "review"}).status_code == 403
    assert not ActivationRequest.objects.exists()


def test_network_members_without_action_pack_cannot_request(client, db):
    partner = make_partner(level=MembershipLevel.NETWORK_MEMBER)
    client.force_login(make_admin(partner))

    response = client.get(URL)

    assert response.status_code == 403
    assert "not eligible" in response.content.decode()


@pytest.mark.parametrize("persona", [make_staff, make_engineer])
def test_users_without_a_partner_get_404(client, db, persona):
    client.force_login(persona())
    assert client.get(URL).status_code == 404


def test_another_partners_users_cannot_open_the_confirmation(
    client, admin_client, ap_partner, other_user
):
    response = run_wizard(admin_client, ap_partner.headquarters)
    client.force_login(other_user)

    assert client.get(response["Location"]).status_code == 404


def test_the_confirmation_refuses_post(admin_client, ap_partner):
    response = run_wizard(admin_client, ap_partner.headquarters)
    assert admin_client.post(response["Location"]).status_code == 405


def test_going_back_keeps_the_entries(admin_client, ap_partner):
    admin_client.get(URL)
    step(admin_client, "benefit", {"location": ap_partner.headquarters.pk})
    step(admin_client, "contact", contact(city="Debrecen"))

    response = admin_client.post(
        URL, {f"{PREFIX}-current_step": "review", "wizard_goto_step": "contact"}
    )

    assert response.context["wizard"]["steps"].current == "contact"
    assert 'value="Debrecen"' in response.content.decode()


def test_the_review_shows_the_answers(admin_client, ap_partner):
    admin_client.get(URL)
    step(admin_client, "benefit", {"location": ap_partner.headquarters.pk})

    response = step(admin_client, "contact", contact(city="Szeged"))

    body = response.content.decode()
    assert "Check your answers" in body
    assert "Szeged" in body
    assert ap_partner.partner_number in body


def test_a_partner_with_one_location_has_it_preselected(admin_client, ap_partner):
    response = admin_client.get(URL)
    assert response.context["form"].initial == {"location": ap_partner.headquarters.pk}


def test_a_partner_with_several_locations_chooses(admin_client, ap_partner):
    make_location(ap_partner)
    response = admin_client.get(URL)
    assert response.context["form"].initial == {}
    assert "Additional Business Location Kit (ABTK) — Osaka office" in response.content.decode()
