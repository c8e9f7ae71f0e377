from decimal import Decimal

import pytest

from contracts.models import Platform
from partners.models import Region, User
from purchases.models import PriceListEntry
from tests.builders import make_partner, make_product, make_user


@pytest.fixture
def windows(db):
    return make_product("Windows Server", Platform.ON_PREMISES, slug="windows-server")


@pytest.fixture
def prices(windows):
    """EMEA sells the 5-pack; Latin America does not."""
    return {
        "emea": PriceListEntry.objects.create(
            product=windows,
            region=Region.EMEA,
            currency="EUR",
            price_single=Decimal("459.00"),
            five_pack_offered=True,
            price_five_pack=Decimal("1999.99"),
        ),
        "latam": PriceListEntry.objects.create(
            product=windows,
            region=Region.LATIN_AMERICA,
            currency="USD",
            price_single=Decimal("499.00"),
            five_pack_offered=False,
        ),
    }


@pytest.fixture
def buyer(partner, prices):
    """A personal-account (Microsoft account) user of an EMEA partner."""
    return make_user(partner, username="petra", account_kind=User.AccountKind.PERSONAL)


@pytest.fixture
def buyer_client(client, buyer):
    client.force_login(buyer)
    return client


@pytest.fixture
def latam_buyer(prices):
    partner = make_partner("Tailspin Brasil", region=Region.LATIN_AMERICA, country="BR")
    return make_user(partner, username="joao", account_kind=User.AccountKind.PERSONAL)
