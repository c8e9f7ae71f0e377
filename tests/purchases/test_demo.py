"""The demo gains the price list and a personal-account user (issue 19)."""

from django.test.utils import override_settings

from demo.data import DEMO_PASSWORD
from partners.models import Region, User
from purchases.models import PriceListEntry
from tests.demo.test_load_demo import load_demo

HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@override_settings(PASSWORD_HASHERS=HASHERS)
def test_the_demo_has_a_personal_buyer_and_a_price_list_and_loads_twice_the_same(client, db):
    output = load_demo()
    assert "  personal " in output
    user = User.objects.get(username="personal")
    assert user.is_personal_account and user.partner is not None
    assert client.login(username="personal", password=DEMO_PASSWORD)
    region = user.partner.region
    assert PriceListEntry.objects.for_partner(user.partner).filter(five_pack_offered=True).exists()
    assert not PriceListEntry.objects.filter(
        region=Region.LATIN_AMERICA, five_pack_offered=True
    ).exists()
    before = sorted(PriceListEntry.objects.values_list("pk", "price_single", "currency"))
    password = user.password
    load_demo()
    assert sorted(PriceListEntry.objects.values_list("pk", "price_single", "currency")) == before
    assert User.objects.get(username="personal").password == password
    assert region == Region.EMEA
