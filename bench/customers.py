"""CSP customers for the benchmark seed (issue 18: the queue is searched by a customer's name).

Run by ``bench.seed.seed`` after the incidents, with its own random stream, so the
rest of the seed is the same as without customers. For ``n`` incidents: two
customers per partner (``n/50``; 2,000 at 100,000), each linked to its partner as
the subscription provider, with names made the way real ones are (a family or
place name, a trade, the country's legal form: "Szabó Logistics Kft.",
"Tanaka Trading K.K."; names repeat now and then, as they do); every CSP request
(5% of the incidents) is for one of its partner's customers.

The personas are the same at every size: "Bench Contoso Cloud" has the customers
``PERSONA_CUSTOMERS`` (names no generated customer has), and five of its incidents
are CSP requests for the first of them, which the benchmark searches for (its
other CSP requests, if the dice make any, are for the second).

``python -m bench.customers`` (with ``DATABASE_URL`` and ``DJANGO_SETTINGS_MODULE``)
adds them to a database seeded before they existed, then analyses the tables.
"""

from __future__ import annotations

import random

from django.db import connection, transaction

PERSONA_CUSTOMERS = ("Wingtip Toys", "Alpine Ski House")
PERSONA_CUSTOMER_INCIDENTS = 5  # of the persona partner's, every tenth: CSP for Wingtip Toys
PER_PARTNER = 2
STEMS = {
    "HU": ["Kovács", "Nagy", "Szabó", "Tóth", "Horváth", "Varga", "Balaton", "Tisza"],
    "CZ": ["Novák", "Dvořák", "Černý", "Svoboda", "Procházka", "Kučera", "Vltava", "Morava"],
    "US": ["Northwind", "Fabrikam", "Litware", "Proseware", "Adatum", "Lucerne", "Coho", "Miller"],
    "JP": ["Tanaka", "Suzuki", "Watanabe", "Takahashi", "Sakura", "Fuji", "Kobayashi", "Ito"],
    "KR": ["Kim", "Lee", "Park", "Choi", "Jung", "Hanbit", "Mirae", "Saerom"],
    "BR": ["Silva", "Santos", "Oliveira", "Souza", "Costa", "Paulista", "Carioca", "Ipanema"],
}
TRADES = (
    "Logistics Engineering Trading Foods Dental Legal Consulting Architects Media Textiles "
    "Motors Pharmacy Hotels Bakery Insurance Electronics Printing Travel Construction Farms"
).split()
LEGAL_FORM = {
    "HU": "Kft.",
    "CZ": "s.r.o.",
    "US": "LLC",
    "JP": "K.K.",
    "KR": "Co., Ltd.",
    "BR": "Ltda.",
}
BATCH = 2000


def customer_name(rng: random.Random, country: str) -> str:
    country = country if country in STEMS else "US"
    return f"{rng.choice(STEMS[country])} {rng.choice(TRADES)} {LEGAL_FORM[country]}"


def seed_customers(persona_partner_id: int, *, seed_value: int = 20141029, log=print) -> dict:
    """Customers for every partner, and the CSP incidents' customer; returns counts."""
    from incidents.models import Channel, Incident
    from partners.models import Customer, CustomerPartner, CustomerRelationship, Partner

    rng = random.Random(seed_value + 1)
    customers, owners = [], []
    for name in PERSONA_CUSTOMERS:
        domain = name.lower().replace(" ", "") + ".onmicrosoft.example"
        customers.append(Customer(name=name, tenant_domain=domain))
        owners.append(persona_partner_id)
    partners = Partner.objects.exclude(pk=persona_partner_id).order_by("pk")
    for pk, country in partners.values_list("pk", "country"):
        for _ in range(PER_PARTNER):
            customers.append(
                Customer(
                    name=customer_name(rng, country),
                    tenant_domain=f"tenant{len(customers):07d}.onmicrosoft.example",
                )
            )
            owners.append(pk)
    with transaction.atomic():
        customers = Customer.objects.bulk_create(customers, batch_size=BATCH)
        CustomerPartner.objects.bulk_create(
            [
                CustomerPartner(
                    customer_id=c.pk, partner_id=p, relationship=CustomerRelationship.PROVIDER
                )
                for c, p in zip(customers, owners, strict=True)
            ],
            batch_size=BATCH,
        )
        by_partner: dict[int, list[int]] = {}
        for c, p in zip(customers, owners, strict=True):
            by_partner.setdefault(p, []).append(c.pk)
        # The persona partner's: every tenth of its incidents (not the first, the detail
        # page's) is a CSP request for its first customer, at every size.
        persona = Incident.objects.filter(partner_id=persona_partner_id).order_by("pk")
        ids = persona.values_list("pk", flat=True)
        wingtip = [pk for i, pk in enumerate(ids) if i % 10 == 5][:PERSONA_CUSTOMER_INCIDENTS]
        Incident.objects.filter(pk__in=wingtip).update(
            channel=Channel.CSP, customer_id=by_partner[persona_partner_id][0]
        )
        # The other CSP requests: one of the partner's customers (the persona's others
        # are for its second customer, so the first stays on exactly five).
        csp = Incident.objects.filter(channel=Channel.CSP, customer__isnull=True)
        by_partner[persona_partner_id] = by_partner[persona_partner_id][1:]
        rows = [
            Incident(pk=pk, customer_id=rng.choice(by_partner[partner]))
            for pk, partner in csp.order_by("pk").values_list("pk", "partner_id")
            if partner in by_partner
        ]
        Incident.objects.bulk_update(rows, ["customer_id"], batch_size=BATCH)
    counts = {"customers": len(customers), "customer_incidents": len(rows) + len(wingtip)}
    log(f"  customers: {counts}")
    return counts


def main() -> None:
    import django

    django.setup()
    from bench.seed import PERSONA_PARTNER_NUMBER
    from partners.models import Partner

    seed_customers(Partner.objects.get(partner_number=PERSONA_PARTNER_NUMBER).pk)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


if __name__ == "__main__":
    main()
