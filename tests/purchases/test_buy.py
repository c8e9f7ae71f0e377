"""Choosing 1 or 5 incidents and consenting (issue 19): who may buy, what is offered."""

from decimal import Decimal

from django.urls import reverse

from contracts.models import Platform
from purchases.models import Order, Payment
from tests.builders import make_product, make_user

from .helpers import REVIEW, consent_data, place

BUY = reverse("purchases:buy")


def test_a_work_account_is_told_why_it_cannot_buy_and_what_to_do(partner_client, prices):
    response = partner_client.get(BUY)
    assert response.status_code == 200
    text = response.content.decode()
    assert "work account (Microsoft Entra)" in text
    assert "Sign in with a personal account" in text
    assert 'name="quantity"' not in text


def test_a_work_account_can_go_back_to_its_request(partner_client, prices):
    response = partner_client.get(BUY, {"next": "/incidents/business/?resume=1"})
    assert response.context["back_url"] == "/incidents/business/?resume=1"
    response = partner_client.get(BUY, {"next": "//evil.example/"})
    assert response.context["back_url"] == ""


def test_a_work_account_cannot_place_an_order(partner_client, prices):
    response = partner_client.post(REVIEW, consent_data(prices["emea"]))
    assert response.status_code == 403
    assert not Order.objects.exists()


def test_users_without_a_partner_get_404(client, engineer, prices):
    client.force_login(engineer)
    assert client.get(BUY).status_code == 404
    assert client.post(REVIEW, consent_data(prices["emea"])).status_code == 404


def test_the_5_pack_is_offered_where_the_price_list_says_so(buyer_client, windows):
    response = buyer_client.get(BUY, {"product": windows.pk})
    text = response.content.decode()
    assert response.status_code == 200
    assert "5-pack (five incidents)" in text
    assert "We recommend buying one incident" in text


def test_the_5_pack_is_not_offered_in_a_region_without_it(client, latam_buyer, windows):
    client.force_login(latam_buyer)
    text = client.get(BUY, {"product": windows.pk}).content.decode()
    assert "One incident" in text
    assert "5-pack" not in text


def test_a_forged_5_pack_in_a_region_without_it_is_refused(client, latam_buyer, prices):
    client.force_login(latam_buyer)
    response = client.post(REVIEW, consent_data(prices["latam"], 5))
    assert response.status_code == 400
    assert "not offered in your region" in response.content.decode()
    assert not Order.objects.exists()


def test_a_price_of_another_region_is_refused(buyer_client, prices):
    response = buyer_client.post(REVIEW, consent_data(prices["latam"]))
    assert response.status_code == 400
    assert not Order.objects.exists()


def test_the_review_shows_the_exact_price_and_the_consent(buyer_client, prices):
    response = buyer_client.get(REVIEW, {"entry": prices["emea"].pk, "quantity": 5})
    text = response.content.decode()
    assert response.status_code == 200
    assert "1999.99 EUR" in text
    assert "charged immediately" in text
    assert "Services Agreement" in text


def test_paying_without_consent_re_renders_with_the_choice_and_creates_nothing(
    buyer_client, prices
):
    response = buyer_client.post(REVIEW, consent_data(prices["emea"], 5, consent=False))
    assert response.status_code == 400
    assert "Tick the box to agree" in response.content.decode()
    assert response.context["quantity"] == 5
    assert not Order.objects.exists()


def test_two_clicks_on_pay_make_one_order(buyer_client, prices):
    data = consent_data(prices["emea"], 5)
    first = buyer_client.post(REVIEW, data)
    second = buyer_client.post(REVIEW, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    order = Order.objects.get()
    assert (order.quantity, order.total, order.currency) == (5, Decimal("1999.99"), "EUR")
    assert Payment.objects.get().total == Decimal("1999.99")
    assert order.status == Order.Status.PENDING
    assert order.contract is None  # nothing is bought before the payment succeeds


def test_another_user_cannot_reuse_a_checkout_key(client, buyer_client, buyer, prices):
    data = consent_data(prices["emea"])
    order = place(buyer_client, prices["emea"], key=data["checkout_key"])
    colleague = make_user(buyer.partner, username="colleague", account_kind="personal")
    client.force_login(colleague)
    response = client.post(REVIEW, data)
    assert response.status_code == 400
    assert list(Order.objects.all()) == [order]


def test_an_outside_next_url_is_dropped(buyer_client, prices):
    order = place(buyer_client, prices["emea"], next_url="https://evil.example/phish")
    assert order.next_url == ""
    order = place(buyer_client, prices["emea"], next_url="/incidents/business/?resume=1")
    assert order.next_url == "/incidents/business/?resume=1"


def test_a_product_without_a_price_in_the_region_is_not_sold(buyer_client, prices):
    exchange = make_product("Exchange Server", Platform.ON_PREMISES)
    response = buyer_client.get(BUY, {"product": exchange.pk})
    assert response.status_code == 200
    assert "not sold in your company" in response.content.decode()
    assert not response.context["entries"]
