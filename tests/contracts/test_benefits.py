import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts.models import ActivationRequest, ContractKind, activation_route
from partners.models import MembershipLevel
from portal.lib.i18n import local_date
from tests.builders import make_contract, make_partner, make_staff, make_user
from tests.contracts.helpers import action_pack_partner, make_admin, make_location

URL = reverse("contracts:benefits")


def rows(response):
    """{(location index, benefit kind): [total, used, remaining]} from the page's tables."""
    body = response.content.decode()
    result = {}
    for index, section in enumerate(body.split('<section class="mb-5"')[1:]):
        for kind, cells in re.findall(
            r'<tr data-benefit="(\w+)">.*?</th>(.*?)</tr>', section, re.S
        ):
            result[(index, kind)] = [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", cells)]
    return result


def test_it_requires_login(client, db):
    assert client.get(URL).status_code == 302


def test_it_refuses_post(partner_client):
    assert partner_client.post(URL).status_code == 405


def test_it_shows_total_used_and_remaining_per_benefit(partner_client, partner):
    make_contract(partner, kind=ContractKind.ADVISORY, units=20, used=5)
    make_contract(partner, kind=ContractKind.SIGNATURE_CLOUD, units=10, used=3)
    make_contract(partner, kind=ContractKind.SIGNATURE_CLOUD, units=5, used=1)
    make_contract(partner, kind=ContractKind.PRODUCT_SUPPORT, units=20, used=0)

    table = rows(partner_client.get(URL))

    assert table[(0, "advisory")] == ["20", "5", "15"]
    assert table[(0, "signature_cloud")] == ["15", "4", "11"]
    assert table[(0, "product_support")] == ["20", "0", "20"]


def test_each_location_has_its_own_figures(partner_client, partner):
    osaka = make_location(partner)
    make_contract(partner, kind=ContractKind.PRODUCT_SUPPORT, units=20)
    make_contract(partner, kind=ContractKind.PRODUCT_SUPPORT, units=10, used=2, location=osaka)

    response = partner_client.get(URL)

    table = rows(response)
    assert table[(0, "product_support")] == ["20", "0", "20"]
    assert table[(1, "product_support")] == ["10", "2", "8"]
    assert "Osaka office" in response.content.decode()


def test_a_benefit_not_activated_shows_blank_and_says_so(partner_client, partner):
    make_contract(partner, kind=ContractKind.PRODUCT_SUPPORT, units=20, activated=False)

    response = partner_client.get(URL)

    assert rows(response)[(0, "product_support")] == ["(blank)"] * 3
    block = response.content.decode().split('data-benefit="product_support"')[1]
    assert "Not activated. A global admin or partner admin" in block


def test_an_expired_contract_shows_blank_with_its_end_date(partner_client, partner):
    ended = timezone.localdate() - dt.timedelta(days=1)
    make_contract(partner, kind=ContractKind.ADVISORY, ends_on=ended)

    response = partner_client.get(URL)

    assert rows(response)[(0, "advisory")] == ["(blank)"] * 3
    assert f"The contract expired on {local_date(ended)}" in response.content.decode()


def test_a_benefit_the_partner_is_not_entitled_to_says_so(partner_client, partner):
    response = partner_client.get(URL)

    assert rows(response)[(0, "signature_cloud")] == ["(blank)"] * 3
    assert "No Signature Cloud incidents are recorded for your company" in response.content.decode()


def test_network_members_without_action_pack_are_told_they_are_not_eligible(client, db):
    partner = make_partner(level=MembershipLevel.NETWORK_MEMBER)
    make_contract(partner, kind=ContractKind.PRODUCT_SUPPORT)
    client.force_login(make_user(partner))

    response = client.get(URL)

    assert rows(response)[(0, "product_support")] == ["(blank)"] * 3
    assert "network member without an Action Pack subscription" in response.content.decode()
    assert 'href="/contracts/activation/"' not in response.content.decode()


def test_an_account_not_linked_to_a_partner_is_told_so(client, db):
    client.force_login(make_staff())

    response = client.get(URL)

    assert response.status_code == 200
    assert "(blank)" in response.content.decode()
    assert "Sign in with the account your company" in response.content.decode()


def test_the_checklist_marks_which_conditions_are_met(partner_client, partner):
    make_contract(partner, kind=ContractKind.PRODUCT_SUPPORT, activated=False)

    block = partner_client.get(URL).content.decode().split('data-benefit="product_support"')[1]
    block = block.split("</details>")[0]

    assert re.search(r"Met:</span>\s*Your account is linked to an active partner", block)
    assert re.search(r"Met:</span>\s*Your company is entitled to this benefit", block)
    assert re.search(r"Not met:</span>\s*The support contract is activated", block)
    assert re.search(
        r"Met:</span>\s*Your company has an Action Pack subscription or a higher", block
    )


def test_only_admins_see_the_request_activation_button(client, partner):
    client.force_login(make_user(partner))
    assert 'href="/contracts/activation/"' not in client.get(URL).content.decode()
    client.force_login(make_admin(partner))
    assert 'href="/contracts/activation/"' in client.get(URL).content.decode()


def test_other_users_see_the_requesting_users_email_and_alternate_email(client, db):
    partner = action_pack_partner()
    requester = make_admin(partner, username="hana")
    ActivationRequest.objects.create(
        partner=partner,
        location=partner.headquarters,
        requested_by=requester,
        routed_to=activation_route(partner),
        contact_name="Hana",
        company=partner.name,
        alternate_email="hana.alt@example.org",
        partner_number=partner.partner_number,
    )
    client.force_login(make_user(partner))

    body = client.get(URL).content.decode()

    assert "hana@example.com" in body
    assert "hana.alt@example.org" in body
    assert "Regional Service Center" in body
    assert "Activation requested on" in body


def test_another_partners_requests_and_contracts_stay_hidden(partner_client, other_partner):
    make_contract(other_partner, kind=ContractKind.PRODUCT_SUPPORT, units=7703, name="Fabrikam PSI")
    requester = make_admin(other_partner, username="zoltan")
    ActivationRequest.objects.create(
        partner=other_partner,
        location=other_partner.headquarters,
        requested_by=requester,
        routed_to="rsc",
        contact_name="Z",
        company="F",
        partner_number=other_partner.partner_number,
    )

    body = partner_client.get(URL).content.decode()

    # The contract's name and its units (a number no other part of the page holds),
    # and the other partner's requester: none of them on this partner's page.
    assert "Fabrikam PSI" not in body
    assert "7703" not in body and "7,703" not in body
    assert "zoltan@example.com" not in body


def _seed(partner, locations, contracts_per_location):
    places = [partner.headquarters] + [
        make_location(partner, f"Office {n}") for n in range(locations)
    ]
    for place in places:
        for n in range(contracts_per_location):
            kind = [
                ContractKind.ADVISORY,
                ContractKind.SIGNATURE_CLOUD,
                ContractKind.PRODUCT_SUPPORT,
            ][n % 3]
            make_contract(partner, kind=kind, location=place, activated=n % 2 == 0)
        ActivationRequest.objects.create(
            partner=partner,
            location=place,
            requested_by=make_admin(partner),
            routed_to="rsc",
            contact_name="X",
            company="Y",
            partner_number=partner.partner_number,
        )


@pytest.mark.parametrize(("locations", "contracts"), [(0, 1), (8, 6)], ids=["one", "many"])
def test_the_page_runs_a_constant_number_of_queries(
    client, db, django_assert_num_queries, locations, contracts
):
    partner = action_pack_partner()
    _seed(partner, locations, contracts)
    user = make_admin(partner)
    client.force_login(user)

    # session, user with the partner (one join: partners.backends), locations, contracts,
    # activation requests (a partner user is never asked about the engineers' group)
    with django_assert_num_queries(5):
        response = client.get(URL)

    assert response.status_code == 200
    assert len(rows(response)) == 3 * (locations + 1)
