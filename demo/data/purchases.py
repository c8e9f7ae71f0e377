"""Demo data of pay-per-incident (issue 19): the price list and a personal-account user.

Called with one line at the end of ``manage.py load_demo``; idempotent like it.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from contracts.models import Platform, Product
from demo.data import Seed
from partners.models import Partner, Region, User
from purchases.models import PriceListEntry

# region: (currency, one incident, 5-pack or None where it is not offered)
PRICES = {
    Region.NORTH_AMERICA: ("USD", Decimal("499.00"), Decimal("2249.00")),
    Region.LATIN_AMERICA: ("USD", Decimal("499.00"), None),
    Region.EMEA: ("EUR", Decimal("459.00"), Decimal("1999.00")),
    Region.APGC: ("JPY", Decimal("72000.00"), None),
}
PERSONAL_PARTNER = "4100001"  # Northwind Productivity Kft. (EMEA): the 5-pack is offered


LOGIN = ("personal", "personal account (Microsoft account): can buy pay-per-incident support")


def load_purchases(seed: Seed) -> None:
    """The price list and the personal-account user ``personal``."""
    with transaction.atomic():
        for product in Product.objects.filter(platform=Platform.ON_PREMISES):
            for region, (currency, single, five) in PRICES.items():
                PriceListEntry.objects.update_or_create(
                    product=product,
                    region=region,
                    defaults={
                        "currency": currency,
                        "price_single": single,
                        "five_pack_offered": five is not None,
                        "price_five_pack": five,
                        "is_active": True,
                    },
                )
        partner = Partner.objects.get(partner_number=PERSONAL_PARTNER)
        user, _ = User.objects.update_or_create(
            username="personal",
            defaults={
                "first_name": "Petra",
                "last_name": "Kovács",
                "email": "petra.kovacs@outlook.example",
                "partner": partner,
                "is_active": True,
                "account_kind": User.AccountKind.PERSONAL,
            },
        )
        if user.password != seed.password_hash:
            user.password = seed.password_hash
            user.save(update_fields=["password"])
