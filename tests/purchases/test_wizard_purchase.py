"""Buying from the Support for Business plan step and coming back to the same request."""

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from contracts.models import ContractKind
from incidents.models import Incident
from partners.models import Region
from purchases.models import Order, PriceListEntry
from tests.builders import make_contract
from tests.incidents.test_business_wizard import (
    PREFIX,
    REVIEW,
    URL,
    contact_data,
    current_step,
    make_onprem_catalogue,
    problem_data,
    share_data,
    support_data,
)

from .helpers import pay, place


@pytest.fixture
def cat(db):
    cat = make_onprem_catalogue()
    PriceListEntry.objects.create(
        product=cat["product"],
        region=Region.EMEA,
        currency="EUR",
        price_single=Decimal("459.00"),
        five_pack_offered=False,
    )
    return cat


def leave_for_purchase(client, cat):
    client.get(URL)
    client.post(URL, problem_data(cat))
    response = client.post(
        URL,
        {
            f"{PREFIX}-current_step": "support",
            "support-severity": "C",
            "support-time_zone": "Asia/Tokyo",
            "buy_incident": "1",
        },
    )
    assert response.status_code == 302
    return response["Location"]


def test_the_plan_step_sends_the_buyer_to_the_purchase_with_the_product_and_a_safe_next(
    buyer_client, cat
):
    location = leave_for_purchase(buyer_client, cat)
    url = urlsplit(location)
    query = parse_qs(url.query)
    assert url.path == reverse("purchases:buy")
    assert query["product"] == [str(cat["product"].pk)]
    assert query["next"] == [URL + "?resume=1"]
    page = buyer_client.get(location)
    assert page.context["form"].initial["next"] == URL + "?resume=1"
    assert "5-pack" not in page.content.decode()  # not offered for this product and region


def test_buying_returns_to_the_same_request_with_the_new_plan_chosen_and_nothing_lost(
    buyer_client, buyer, cat
):
    location = leave_for_purchase(buyer_client, cat)
    entry = PriceListEntry.objects.get(product=cat["product"])
    order = place(buyer_client, entry, next_url=parse_qs(urlsplit(location).query)["next"][0])
    pay(buyer_client, order)
    order = Order.objects.get(pk=order.pk)
    receipt = buyer_client.get(order.get_absolute_url())
    back = receipt.context["return_url"]
    assert back == f"{URL}?resume=1&plan={order.contract_id}"

    response = buyer_client.get(back)
    assert current_step(response) == "support"
    form = response.context["form"]
    assert form.initial["contract"] == order.contract_id
    assert form.initial["severity"] == "C"
    assert form.initial["time_zone"] == "Asia/Tokyo"
    assert [o.contract.pk for o in form.usable] == [order.contract_id]

    # Finish the request with the new plan; its only incident is used.
    for data in (
        support_data(order.contract),
        contact_data(buyer),
        share_data(),
        REVIEW,
    ):
        response = buyer_client.post(URL, data)
    incident = Incident.objects.get()
    assert incident.title == problem_data(cat)["problem-title"]  # the first step was kept
    assert incident.contract_id == order.contract_id
    order.contract.refresh_from_db()
    assert order.contract.units_remaining == 0


def test_coming_back_with_someone_elses_plan_selects_nothing(buyer_client, cat, other_user):
    leave_for_purchase(buyer_client, cat)
    foreign = make_contract(
        other_user.partner, kind=ContractKind.PAY_PER_INCIDENT, register_to=other_user
    )
    response = buyer_client.get(f"{URL}?resume=1&plan={foreign.pk}")
    assert current_step(response) == "support"
    assert "contract" not in response.context["form"].initial


def test_resume_without_a_run_in_progress_starts_afresh(buyer_client, cat):
    response = buyer_client.get(f"{URL}?resume=1")
    assert current_step(response) == "problem"
