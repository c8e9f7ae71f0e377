import uuid

from django.urls import reverse

from purchases.models import Order
from purchases.providers import CARD_SUCCEEDS

REVIEW = reverse("purchases:review")


def consent_data(entry, quantity=1, *, key=None, consent=True, next_url=""):
    data = {
        "entry": entry.pk,
        "quantity": quantity,
        "checkout_key": str(key or uuid.uuid4()),
        "next": next_url,
    }
    if consent:
        data["consent"] = "on"
    return data


def place(client, entry, quantity=1, **kwargs) -> Order:
    response = client.post(REVIEW, consent_data(entry, quantity, **kwargs))
    assert response.status_code == 302, response
    return Order.objects.get(public_id=response["Location"].split("/")[-3])


def pay(client, order, card=CARD_SUCCEEDS):
    return client.post(reverse("purchases:pay", args=[order.public_id]), {"card_number": card})
