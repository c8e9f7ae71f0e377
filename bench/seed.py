"""Seed a realistic volume through the project's own models (bulk_create in batches).

For ``n`` incidents the programme has ``n/100`` partners, ``n/20`` users,
``n/5`` contracts, ``3n`` messages and ``n/2`` attachment records (no files on
disk), so that at 100,000 incidents it matches issue 10: 1,000 partners,
5,000 users, 20,000 contracts, 300,000 messages, 50,000 attachments; and ``n/50``
CSP customers, named on 5% of the incidents (``bench/customers.py``). The
benchmark personas (a partner's technical contact with 50 incidents, a
colleague with one, an engineer) are the same at every size, so a partner page
must cost the same whatever the rest of the programme holds.

Incidents and everything hanging off them are written in streaming batches, so
memory stays flat and 1,000,000 incidents only take time.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from bench.customers import seed_customers
from contracts.models import (
    Contract,
    ContractKind,
    ContractRegistration,
    Platform,
    Product,
    ProductVersion,
)
from incidents.models import (
    Attachment,
    Channel,
    HistoryEvent,
    Incident,
    IncidentContact,
    Message,
    RoutedTeam,
    Status,
    Topic,
    Tree,
)
from partners.models import (
    AzureSubscription,
    Competency,
    Location,
    MembershipLevel,
    Partner,
    PartnerCompetency,
    Region,
    SubscriptionRole,
    User,
)

BATCH = 2000
PERSONA_PARTNER_NUMBER = "99000001"
PERSONA_USER = "bench_anna"  # technical contact, contact on PERSONA_INCIDENTS incidents
PERSONA_LIGHT_USER = "bench_light"  # contact on exactly one incident
PERSONA_ENGINEER = "bench_eng"
PERSONA_INCIDENTS = 50
DETAIL_MESSAGES = 30
RESPONSE_HOURS = {"A": 2, "B": 4, "C": 8}

STATUS_WEIGHTS = [
    (Status.SUBMITTED, 5),
    (Status.IN_PROGRESS, 6),
    (Status.WAITING, 4),
    (Status.RESOLVED, 15),
    (Status.CLOSED, 60),
    (Status.REJECTED, 5),
    (Status.ROUTED, 5),
]
SEVERITY_WEIGHTS = [("A", 15), ("B", 45), ("C", 40)]
CHANNEL_WEIGHTS = [
    (Channel.OFFICE365, 40),
    (Channel.AZURE, 30),
    (Channel.BUSINESS, 25),
    (Channel.CSP, 5),
]
KIND_WEIGHTS = [
    (ContractKind.SIGNATURE_CLOUD, 35),
    (ContractKind.PRODUCT_SUPPORT, 30),
    (ContractKind.ADVISORY, 10),
    (ContractKind.AZURE_PLAN, 10),
    (ContractKind.VISUAL_STUDIO, 5),
    (ContractKind.PAY_PER_INCIDENT, 5),
    (ContractKind.CSP, 5),
]
WORDS = (
    "mailbox sync fails after migration users report intermittent outage the tenant "
    "shows error code when connecting virtual machine cannot start disk storage account "
    "quota exceeded SharePoint site collection permission denied Teams meeting audio "
    "drops SQL Server availability group failover slow query plan regression"
).split()


def population(n: int) -> dict:
    return {
        "partners": max(20, n // 100),
        "users": max(100, n // 20),
        "engineers": max(5, n // 2000),
        "contracts": max(40, n // 5),
        "incidents": n,
        "messages": 3 * n,
        "attachments": n // 2,
    }


def _pick(rng: random.Random, weights):
    values, w = zip(*weights, strict=True)
    return rng.choices(values, weights=w, k=1)[0]


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


# --- catalogue ---------------------------------------------------------------
CATALOGUE = {
    Tree.OFFICE365: [
        (
            "Technical issue",
            {},
            [
                (
                    "Exchange Online",
                    [
                        ("Mail flow", ["Messages delayed", "NDR received"]),
                        ("Mailbox", ["Cannot open", "Quota"]),
                    ],
                ),
                (
                    "SharePoint Online",
                    [("Sites", ["Access denied", "Slow pages"]), ("Sync", ["OneDrive sync fails"])],
                ),
                ("Microsoft Teams", [("Meetings", ["Audio drops", "Cannot join"])]),
            ],
        ),
        (
            "Billing and subscription",
            {"routes_to": RoutedTeam.BILLING},
            [("Billing", [("Invoices", ["Wrong amount"])])],
        ),
        (
            "Password reset",
            {"routes_to": RoutedTeam.ACCOUNT},
            [("Accounts", [("Sign-in", ["Forgotten password"])])],
        ),
    ],
    Tree.AZURE: [
        (
            "Virtual Machines",
            {},
            [("Connectivity", ["Cannot RDP", "SSH refused"]), ("Performance", ["High CPU"])],
        ),
        ("Storage", {}, [("Availability", ["Blob unavailable"]), ("Quota", ["Quota exceeded"])]),
        ("SQL Database", {}, [("Performance", ["Slow queries"]), ("Connectivity", ["Timeouts"])]),
    ],
    Tree.ON_PREMISES: [
        (
            "Windows Server",
            {},
            [("Active Directory", ["Replication fails"]), ("Hyper-V", ["VM will not start"])],
        ),
        (
            "SQL Server",
            {},
            [("Availability groups", ["Failover slow"]), ("Performance", ["Plan regression"])],
        ),
        ("Exchange Server", {}, [("Transport", ["Queue growing"])]),
    ],
}
ON_PREM_PRODUCTS = {
    "Windows Server": ["2019", "2022", "2025"],
    "SQL Server": ["2019", "2022"],
    "Exchange Server": ["2016", "2019"],
}


def seed_catalogue() -> dict:
    """Products, versions and the three topic trees; reuses a catalogue that exists."""
    products = {}
    for name, platform in [
        ("Office 365", Platform.OFFICE365),
        ("Microsoft Azure", Platform.AZURE),
        ("Dynamics CRM Online", Platform.DYNAMICS),
        ("Enterprise Mobility Suite", Platform.EMS),
    ]:
        products[name], _ = Product.objects.get_or_create(
            slug=name.lower().replace(" ", "-"), defaults={"name": name, "platform": platform}
        )
    versions = []
    for name, names in ON_PREM_PRODUCTS.items():
        products[name], _ = Product.objects.get_or_create(
            slug=name.lower().replace(" ", "-"),
            defaults={"name": name, "platform": Platform.ON_PREMISES},
        )
        for i, version in enumerate(names):
            v, _ = ProductVersion.objects.get_or_create(
                product=products[name],
                name=version,
                defaults={"mainstream_end_on": dt.date(2027 + 2 * i, 1, 9)},
            )
            versions.append(v)

    for tree, roots in CATALOGUE.items():
        if Topic.objects.filter(tree=tree).exists():
            continue
        for r, (root_name, extra, children) in enumerate(roots):
            product = None
            if tree == Tree.OFFICE365:
                product = products["Office 365"]
            elif tree == Tree.AZURE:
                product = products["Microsoft Azure"]
            else:
                product = products[root_name]
            root = Topic.objects.create(
                tree=tree, name=root_name, sort_order=r, product=product, **extra
            )
            _create_children(root, children)

    leaves = {}
    for tree in Tree.values:
        leaves[tree] = list(
            Topic.objects.filter(tree=tree, children__isnull=True, routes_to="")
            .values_list("pk", flat=True)
            .order_by("pk")
        )
    return {
        "products": {k: v.pk for k, v in products.items()},
        "versions": [(v.pk, v.product_id) for v in versions],
        "leaves": leaves,
        "onprem_products": [products[name].pk for name in ON_PREM_PRODUCTS],
    }


def _create_children(parent: Topic, children) -> None:
    for i, child in enumerate(children):
        if isinstance(child, str):
            Topic.objects.create(parent=parent, tree=parent.tree, name=child, sort_order=i)
        else:
            name, grandchildren = child
            node = Topic.objects.create(parent=parent, tree=parent.tree, name=name, sort_order=i)
            _create_children(node, grandchildren)


# --- people and contracts ----------------------------------------------------
def seed_population(n: int, rng: random.Random, log) -> dict:
    pop = population(n)
    today = timezone.localdate()
    password = make_password("bench-password-not-secret-1")
    competencies = list(Competency.objects.values_list("pk", flat=True))
    levels = (
        [MembershipLevel.GOLD] * 4
        + [MembershipLevel.SILVER] * 3
        + [MembershipLevel.ACTION_PACK] * 2
        + [MembershipLevel.NETWORK_MEMBER]
    )
    regions = [
        (Region.EMEA, "HU"),
        (Region.EMEA, "CZ"),
        (Region.NORTH_AMERICA, "US"),
        (Region.APGC, "JP"),
        (Region.APGC, "KR"),
        (Region.LATIN_AMERICA, "BR"),
    ]

    t = time.perf_counter()
    partners = []
    for i in range(pop["partners"]):
        region, country = rng.choice(regions)
        partners.append(
            Partner(
                name=f"Bench Partner {i:06d}",
                partner_number=f"{10000000 + i}",
                membership_level=rng.choice(levels),
                region=region,
                country=country,
                membership_start=dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(4000)),
                membership_email=f"membership{i}@bench{i}.example",
            )
        )
    partners = Partner.objects.bulk_create(partners, batch_size=BATCH)
    partner_ids = [p.pk for p in partners]
    Location.objects.bulk_create(
        [
            Location(
                partner_id=pk,
                kind=Location.Kind.HEADQUARTERS,
                name=f"HQ {pk}",
                city="Budapest",
                country="HU",
                program_contact_name="Program Contact",
                program_contact_email=f"program{pk}@bench.example",
            )
            for pk in partner_ids
        ],
        batch_size=BATCH,
    )
    pcs = []
    for pk in partner_ids:
        for comp in rng.sample(competencies, k=rng.randint(1, 3)):
            pcs.append(
                PartnerCompetency(
                    partner_id=pk, competency_id=comp, level="gold", earned_on=dt.date(2013, 1, 1)
                )
            )
    PartnerCompetency.objects.bulk_create(pcs, batch_size=BATCH)

    now = timezone.now()
    n_partner_users = pop["users"] - pop["engineers"]
    users = []
    for i in range(n_partner_users):
        users.append(
            User(
                username=f"bench_user{i:07d}",
                password=password,
                email=f"user{i}@bench.example",
                first_name="Bench",
                last_name=f"User {i}",
                partner_id=partner_ids[i % len(partner_ids)],
                phone="+3612345678",
                time_zone="Europe/Budapest",
                profile_completed_at=now,
            )
        )
    users = User.objects.bulk_create(users, batch_size=BATCH)
    users_by_partner: dict[int, list[int]] = {}
    for u in users:
        users_by_partner.setdefault(u.partner_id, []).append(u.pk)
    engineers = User.objects.bulk_create(
        [
            User(
                username=f"bench_engineer{i:05d}",
                password=password,
                email=f"engineer{i}@bench.example",
                first_name="Engineer",
                last_name=str(i),
            )
            for i in range(pop["engineers"])
        ],
        batch_size=BATCH,
    )
    group, _ = Group.objects.get_or_create(name="Support engineers")
    group.user_set.add(*engineers)
    # Technical contact of each partner: its first user.
    tech = [Partner(pk=pk, technical_contact_id=uids[0]) for pk, uids in users_by_partner.items()]
    Partner.objects.bulk_update(tech, ["technical_contact_id"], batch_size=BATCH)
    log(f"  partners/users: {time.perf_counter() - t:.1f}s")

    t = time.perf_counter()
    contracts, regs = [], []
    contracts_by_partner: dict[int, list[int]] = {}
    for i in range(pop["contracts"]):
        kind = _pick(rng, KIND_WEIGHTS)
        activated = rng.random() < 0.85
        activated_on = today - dt.timedelta(days=rng.randrange(700)) if activated else None
        granted = 20 if kind != ContractKind.ADVISORY else 40
        contracts.append(
            Contract(
                partner_id=partner_ids[i % len(partner_ids)],
                kind=kind,
                name=f"{kind} {i}",
                access_id=f"BA{i:010d}",
                contract_id=f"BC{i:010d}",
                units_granted=granted,
                units_used=rng.randint(0, granted),
                status=Contract.Status.ACTIVATED if activated else Contract.Status.NOT_ACTIVATED,
                activated_on=activated_on,
                ends_on=activated_on + dt.timedelta(days=395) if activated_on else None,
            )
        )
    contracts = Contract.objects.bulk_create(contracts, batch_size=BATCH)
    for c in contracts:
        contracts_by_partner.setdefault(c.partner_id, []).append(c.pk)
        uids = users_by_partner.get(c.partner_id, [])
        for uid in rng.sample(uids, k=min(len(uids), rng.randint(1, 2))):
            regs.append(ContractRegistration(contract_id=c.pk, user_id=uid))
    ContractRegistration.objects.bulk_create(regs, batch_size=BATCH)
    log(f"  contracts: {time.perf_counter() - t:.1f}s")
    return {
        "partner_ids": partner_ids,
        "users_by_partner": users_by_partner,
        "engineer_ids": [e.pk for e in engineers],
        "contracts_by_partner": contracts_by_partner,
    }


def seed_personas(catalogue: dict) -> dict:
    """The people the benchmark logs in as, identical at every size."""
    partner = Partner.objects.create(
        name="Bench Contoso Cloud",
        partner_number=PERSONA_PARTNER_NUMBER,
        membership_level=MembershipLevel.GOLD,
        region=Region.EMEA,
        country="HU",
        membership_start=dt.date(2013, 3, 1),
        membership_email="membership@contoso.bench.example",
    )
    Location.objects.create(
        partner=partner,
        kind=Location.Kind.HEADQUARTERS,
        name="Contoso HQ",
        city="Budapest",
        country="HU",
        program_contact_name="Program Contact",
        program_contact_email="program@contoso.bench.example",
    )
    for name in ("Cloud Productivity", "Cloud Platform", "Datacenter"):
        PartnerCompetency.objects.create(
            partner=partner,
            competency=Competency.objects.get(name=name),
            level="gold",
            earned_on=dt.date(2013, 1, 1),
        )
    now = timezone.now()
    common = {
        "partner": partner,
        "phone": "+3612345678",
        "time_zone": "Europe/Budapest",
        "profile_completed_at": now,
    }
    anna = User.objects.create_user(
        username=PERSONA_USER,
        password="bench-password-not-secret-1",
        email="anna@contoso.bench.example",
        first_name="Anna",
        last_name="Kovács",
        partner_role=User.PartnerRole.GLOBAL_ADMIN,
        **common,
    )
    light = User.objects.create_user(
        username=PERSONA_LIGHT_USER,
        password="bench-password-not-secret-1",
        email="light@contoso.bench.example",
        first_name="Lili",
        last_name="Light",
        **common,
    )
    partner.technical_contact = anna
    partner.technical_contact_name = anna.get_full_name()
    partner.technical_contact_email = anna.email
    partner.save()
    engineer = User.objects.create_user(
        username=PERSONA_ENGINEER,
        password="bench-password-not-secret-1",
        email="eng@bench.example",
        first_name="Erik",
        last_name="Engineer",
    )
    engineer.groups.add(Group.objects.get(name="Support engineers"))
    subscription = AzureSubscription.objects.create(
        name="Contoso production", owner_partner=partner
    )
    SubscriptionRole.objects.create(
        subscription=subscription, user=anna, role=SubscriptionRole.Role.SERVICE_ADMIN
    )
    today = timezone.localdate()
    contracts = {}
    # Enough units for every measured final submit at every size.
    for kind, units in [
        (ContractKind.SIGNATURE_CLOUD, 1_000_000),
        (ContractKind.PRODUCT_SUPPORT, 1_000_000),
        (ContractKind.ADVISORY, 40),
        (ContractKind.AZURE_PLAN, 20),
        (ContractKind.VISUAL_STUDIO, 10),
    ]:
        c = Contract.objects.create(
            partner=partner,
            kind=kind,
            name=f"Contoso {kind}",
            access_id=f"PA-{kind}"[:40],
            contract_id=f"PC-{kind}"[:40],
            units_granted=units,
            units_used=3 if units < 1000 else 0,
            status=Contract.Status.ACTIVATED,
            activated_on=today - dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=365),
        )
        contracts[kind] = c.pk
        ContractRegistration.objects.create(contract=c, user=anna)
    return {
        "partner": partner.pk,
        "anna": anna.pk,
        "light": light.pk,
        "engineer": engineer.pk,
        "subscription": subscription.pk,
        "contracts": contracts,
    }


# --- incidents ---------------------------------------------------------------
class IncidentWriter:
    """Writes incidents with their contacts, messages, attachments and history, in batches."""

    def __init__(self, rng: random.Random, catalogue: dict, engineer_ids: list[int]):
        self.rng = rng
        self.catalogue = catalogue
        self.engineer_ids = engineer_ids
        self.now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {Incident._meta.db_table}")
            self.next_id = cursor.fetchone()[0] + 1
        self.incidents: list[Incident] = []
        self.contacts: list[IncidentContact] = []
        self.messages: list[Message] = []
        self.attachments: list[Attachment] = []
        self.history: list[HistoryEvent] = []
        self.counts = {"incidents": 0, "contacts": 0, "messages": 0, "attachments": 0, "history": 0}

    def add(
        self,
        *,
        partner_id: int,
        submitter_id: int,
        colleagues: list[int],
        contract_ids: list[int],
        status=None,
        severity=None,
        created_at=None,
        messages: int | None = None,
        attachments: int | None = None,
        extra_contacts: list[int] = (),
    ) -> Incident:
        rng = self.rng
        pk = self.next_id
        self.next_id += 1
        status = status or _pick(rng, STATUS_WEIGHTS)
        severity = severity or _pick(rng, SEVERITY_WEIGHTS)
        channel = _pick(rng, CHANNEL_WEIGHTS)
        is_open = status in (Status.SUBMITTED, Status.IN_PROGRESS, Status.WAITING)
        if created_at is None:
            age = dt.timedelta(days=rng.uniform(0, 30) if is_open else rng.uniform(1, 730))
            created_at = self.now - age
        cat = self.catalogue
        if channel == Channel.OFFICE365 or channel == Channel.CSP:
            product, version, tree = cat["products"]["Office 365"], None, Tree.OFFICE365
        elif channel == Channel.AZURE:
            product, version, tree = cat["products"]["Microsoft Azure"], None, Tree.AZURE
        else:
            version, product = rng.choice(cat["versions"])
            tree = Tree.ON_PREMISES
        leaves = cat["leaves"][tree]
        topic = rng.choice(leaves) if leaves else None
        worked = status not in (Status.SUBMITTED, Status.REJECTED, Status.ROUTED)
        owner = rng.choice(self.engineer_ids) if worked else None
        due = None
        if status not in (Status.REJECTED, Status.ROUTED):
            due = created_at + dt.timedelta(hours=RESPONSE_HOURS[severity])
        first_response = (
            created_at + dt.timedelta(minutes=rng.randint(5, 60 * RESPONSE_HOURS[severity] + 60))
            if worked
            else None
        )
        contract_id = None
        consumed = False
        if contract_ids and status not in (Status.REJECTED, Status.ROUTED) and rng.random() < 0.7:
            contract_id = rng.choice(contract_ids)
            consumed = True
        incident = Incident(
            pk=pk,
            number=f"SR-{created_at:%y%m%d}-{pk:06d}",
            channel=channel,
            partner_id=partner_id,
            submitted_by_id=submitter_id,
            product_id=product,
            product_version_id=version,
            topic_id=topic,
            title=_text(rng, 6)[:200],
            description=_text(rng, 40),
            error_message="0x80004005" if rng.random() < 0.3 else "",
            facts={"users_affected": rng.randint(1, 500), "started": f"{created_at:%Y-%m-%d}"},
            severity=severity,
            is_24x7=severity == "A" and rng.random() < 0.3,
            contact_name="Bench Contact",
            contact_phone="+3612345678",
            contact_email=f"contact{submitter_id}@bench.example",
            status=status,
            status_reason="Not eligible" if status == Status.REJECTED else "",
            routed_to=RoutedTeam.BILLING if status == Status.ROUTED else "",
            contract_id=contract_id,
            unit_consumed=consumed,
            owner_id=owner,
            created_at=created_at,
            response_due_at=due,
            first_response_at=first_response,
        )
        self.incidents.append(incident)
        primary = submitter_id if rng.random() < 0.9 or not colleagues else rng.choice(colleagues)
        self.contacts.append(IncidentContact(incident_id=pk, user_id=primary, is_primary=True))
        others = set(extra_contacts)
        if colleagues and rng.random() < 0.3:
            others.add(rng.choice(colleagues))
        if primary != submitter_id:
            others.add(submitter_id)
        for uid in others - {primary}:
            self.contacts.append(IncidentContact(incident_id=pk, user_id=uid))

        self.history.append(
            HistoryEvent(
                incident_id=pk,
                actor_id=submitter_id,
                kind=HistoryEvent.Kind.CREATED,
                to_status=status if not worked else Status.SUBMITTED,
                created_at=created_at,
            )
        )
        if owner:
            self.history.append(
                HistoryEvent(
                    incident_id=pk,
                    actor_id=owner,
                    kind=HistoryEvent.Kind.ASSIGNED,
                    detail="Taken",
                    created_at=created_at + dt.timedelta(minutes=1),
                )
            )
            self.history.append(
                HistoryEvent(
                    incident_id=pk,
                    actor_id=owner,
                    kind=HistoryEvent.Kind.STATUS,
                    from_status=Status.SUBMITTED,
                    to_status=status,
                    created_at=first_response,
                )
            )
        n_messages = rng.randint(0, 6) if messages is None else messages
        for m in range(n_messages):
            by_engineer = owner and m % 2 == 1
            self.messages.append(
                Message(
                    incident_id=pk,
                    author_id=owner if by_engineer else submitter_id,
                    body=_text(rng, rng.randint(10, 60)),
                    is_internal=bool(by_engineer and rng.random() < 0.2),
                    created_at=created_at + dt.timedelta(minutes=10 * (m + 1)),
                )
            )
        n_files = (1 if rng.random() < 0.5 else 0) if attachments is None else attachments
        for a in range(n_files):
            self.attachments.append(
                Attachment(
                    incident_id=pk,
                    file=f"attachments/bench/{uuid.UUID(int=rng.getrandbits(128)).hex}.log",
                    original_name=f"trace-{a}.log",
                    content_type="text/plain",
                    size=rng.randint(1_000, 2_000_000),
                    uploaded_by_id=submitter_id,
                    created_at=created_at + dt.timedelta(minutes=2),
                )
            )
        if len(self.incidents) >= BATCH:
            self.flush()
        return incident

    def flush(self) -> None:
        if not self.incidents:
            return
        with transaction.atomic():
            Incident.objects.bulk_create(self.incidents, batch_size=BATCH)
            IncidentContact.objects.bulk_create(self.contacts, batch_size=BATCH * 2)
            Message.objects.bulk_create(self.messages, batch_size=BATCH * 2)
            Attachment.objects.bulk_create(self.attachments, batch_size=BATCH * 2)
            HistoryEvent.objects.bulk_create(self.history, batch_size=BATCH * 2)
        self.counts["incidents"] += len(self.incidents)
        self.counts["contacts"] += len(self.contacts)
        self.counts["messages"] += len(self.messages)
        self.counts["attachments"] += len(self.attachments)
        self.counts["history"] += len(self.history)
        self.incidents, self.contacts, self.messages = [], [], []
        self.attachments, self.history = [], []

    def finish(self) -> None:
        self.flush()
        with connection.cursor() as cursor:
            table = Incident._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )


def seed(n: int, *, seed_value: int = 20141029, log=print) -> dict:
    """Seed ``n`` incidents and their programme into an empty, migrated database."""
    rng = random.Random(seed_value)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    catalogue = seed_catalogue()
    personas = seed_personas(catalogue)
    pop = seed_population(n, rng, log)
    writer = IncidentWriter(rng, catalogue, pop["engineer_ids"] + [personas["engineer"]])

    # The personas' incidents: the same at every size.
    anna, light = personas["anna"], personas["light"]
    persona_contracts = [personas["contracts"][ContractKind.SIGNATURE_CLOUD]]
    detail = writer.add(
        partner_id=personas["partner"],
        submitter_id=anna,
        colleagues=[],
        contract_ids=persona_contracts,
        status=Status.IN_PROGRESS,
        severity="B",
        created_at=writer.now - dt.timedelta(hours=3),
        messages=DETAIL_MESSAGES,
        attachments=3,
    )
    for i in range(PERSONA_INCIDENTS - 1):
        writer.add(
            partner_id=personas["partner"],
            submitter_id=anna,
            colleagues=[],
            contract_ids=persona_contracts,
            created_at=writer.now - dt.timedelta(days=i + 1),
        )
    light_incident = writer.add(
        partner_id=personas["partner"],
        submitter_id=light,
        colleagues=[],
        contract_ids=[],
        status=Status.SUBMITTED,
        severity="C",
        created_at=writer.now - dt.timedelta(days=2),
        messages=1,
        attachments=0,
    )
    t = time.perf_counter()
    partner_ids = pop["partner_ids"]
    for i in range(n - PERSONA_INCIDENTS - 1):
        partner_id = partner_ids[rng.randrange(len(partner_ids))]
        colleagues = pop["users_by_partner"].get(partner_id) or [anna]
        writer.add(
            partner_id=partner_id,
            submitter_id=rng.choice(colleagues),
            colleagues=colleagues,
            contract_ids=pop["contracts_by_partner"].get(partner_id, []),
        )
        if i and i % 50_000 == 0:
            writer.flush()
            log(f"  incidents: {i:,} in {time.perf_counter() - t:.0f}s")
    writer.finish()
    log(f"  incidents and children: {time.perf_counter() - t:.1f}s {writer.counts}")
    customers = seed_customers(personas["partner"], seed_value=seed_value, log=log)
    if not connection.in_atomic_block:  # VACUUM cannot run in a transaction (tests)
        t = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        log(f"  vacuum analyze: {time.perf_counter() - t:.1f}s")
    counts = {
        "partners": Partner.objects.count(),
        "users": User.objects.count(),
        "contracts": Contract.objects.count(),
        **writer.counts,
        **customers,
    }
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "counts": counts,
        "personas": personas,
        "detail_number": detail.number,
        "light_number": light_incident.number,
        "catalogue": {k: v for k, v in catalogue.items() if k != "leaves"},
    }
