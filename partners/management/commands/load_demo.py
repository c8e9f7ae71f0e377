"""``manage.py load_demo``: a realistic catalogue, demo partners and named log-ins.

Idempotent: every row is found by a natural key and only created when missing,
so running it again changes nothing (dates relative to today are set only when
a row is first created; sample incidents carry a fixed submission key). At the
end it prints the demo log-ins and their shared password.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from contracts.models import (
    Contract,
    ContractKind,
    ContractRegistration,
    CountryActivationRule,
    Platform,
    Product,
    ProductVersion,
)
from incidents.models import (
    HistoryEvent,
    Incident,
    MarketplaceProduct,
    Message,
    RoutedTeam,
    SelfHelpArticle,
    Status,
    Topic,
    Tree,
)
from incidents.services import submit_incident
from partners.models import (
    AzureSubscription,
    Competency,
    CompetencyLevel,
    CspRole,
    Customer,
    CustomerPartner,
    CustomerRelationship,
    Location,
    MembershipLevel,
    Partner,
    PartnerCompetency,
    Region,
    ServiceHealthEvent,
    SubscriptionRole,
    User,
)

from .demo_translations import apply_demo_translations, names_for

DEMO_PASSWORD = "demo-portal-2024"
# Fixed namespace: the same sample incident gets the same submission key on every run.
DEMO_NAMESPACE = uuid.UUID("6f1c3b0e-3d7a-4e0c-9a51-8d6a1f2b7c44")

# --- Catalogue ------------------------------------------------------------------

# slug: (name, platform, {version: mainstream end or None}, translations)
PRODUCTS = {
    "office-365": ("Office 365", Platform.OFFICE365, {}),
    "microsoft-azure": ("Microsoft Azure", Platform.AZURE, {}),
    "dynamics-crm-online": ("Dynamics CRM Online", Platform.DYNAMICS, {}),
    "enterprise-mobility-suite": ("Enterprise Mobility Suite", Platform.EMS, {}),
    "windows-server": (
        "Windows Server",
        Platform.ON_PREMISES,
        {
            "2025": dt.date(2029, 10, 9),
            "2022": dt.date(2026, 10, 13),
            "2019": dt.date(2024, 1, 9),
            "2012 R2": dt.date(2018, 10, 9),
        },
    ),
    "sql-server": (
        "SQL Server",
        Platform.ON_PREMISES,
        {"2022": dt.date(2028, 1, 11), "2016": dt.date(2021, 7, 13)},
    ),
    "exchange-server": (
        "Exchange Server",
        Platform.ON_PREMISES,
        {"Subscription Edition": None, "2019": dt.date(2024, 1, 9)},
    ),
    "sharepoint-server": (
        "SharePoint Server",
        Platform.ON_PREMISES,
        {"Subscription Edition": None},
    ),
}

# Translated names of the top of each tree (hu, cs, ja, ko).
TRANSLATIONS = {
    "Technical": ("Műszaki", "Technický", "技術的な問題", "기술 문제"),
    "Billing": ("Számlázás", "Fakturace", "請求", "청구"),
    "Password reset": (
        "Jelszó-visszaállítás",
        "Obnovení hesla",
        "パスワードのリセット",
        "암호 재설정",
    ),
    "Assistance / process questions": (
        "Segítség / folyamatokkal kapcsolatos kérdések",
        "Pomoc / dotazy k procesům",
        "支援 / プロセスに関する質問",
        "지원 / 프로세스 질문",
    ),
    "Virtual Machines": ("Virtuális gépek", "Virtuální počítače", "仮想マシン", "가상 머신"),
    "Storage": ("Tárolás", "Úložiště", "ストレージ", "스토리지"),
    "Billing and subscription management": (
        "Számlázás és előfizetés-kezelés",
        "Fakturace a správa předplatného",
        "請求とサブスクリプションの管理",
        "청구 및 구독 관리",
    ),
}

# Office 365: issue type → service → service area → problem area.
OFFICE365_TREE = [
    (
        "Technical",
        "",
        {
            "Exchange Online": {
                "Mail flow": ["Delayed or missing e-mail", "Non-delivery reports", "Connectors"],
                "Mailboxes": ["Cannot open a mailbox", "Shared mailbox permissions", "Archiving"],
                "Migration": ["Hybrid migration batch fails", "IMAP migration"],
            },
            "SharePoint Online": {
                "Sites": ["Access denied", "Site creation fails"],
                "OneDrive sync": ["Files do not sync", "Sync client errors"],
                "Sharing": ["External sharing blocked", "Sharing links expire"],
            },
            "Skype for Business Online": {
                "Meetings": ["Cannot join a meeting", "Audio and video quality"],
                "Presence and IM": ["Presence not updating", "Messages not delivered"],
            },
            "Office 365 ProPlus": {
                "Installation": ["Click-to-Run installation fails", "Update channel"],
                "Activation": ["Activation errors", "Licence not detected"],
            },
            "Azure Active Directory": {
                "Directory synchronization": ["Azure AD Connect errors", "Duplicate attributes"],
                "Single sign-on": ["AD FS federation fails", "Conditional access blocks sign-in"],
            },
        },
    ),
    (
        "Billing",
        RoutedTeam.BILLING,
        {
            "Office 365 subscription": {
                "Invoices and payments": ["Invoice question", "Payment method"],
                "Licences": ["Buy or remove licences", "Trial conversion"],
            },
        },
    ),
    (
        "Password reset",
        RoutedTeam.ACCOUNT,
        {
            "Accounts": {
                "Administrator password": ["Reset a global admin password", "Admin locked out"],
                "User password": ["Self-service password reset"],
            },
        },
    ),
    (
        "Assistance / process questions",
        RoutedTeam.PARTNER_PROGRAMME,
        {
            "Partner programme": {
                "How-to and process": ["Using the portal", "Benefits question"],
                "Planning": ["Licensing advice", "Deployment planning"],
            },
        },
    ),
]

# Azure: product → problem type → category. Out-of-scope categories are routed.
AZURE_OUT_OF_SCOPE = {
    "Advisory and partner questions": [
        "Advisory / architecture guidance",
        "Pre-sales question",
        "Partner benefits question",
    ]
}
AZURE_TREE = {
    "Virtual Machines": {
        "Connectivity": ["Cannot connect with RDP or SSH", "Network security groups"],
        "Performance": ["High CPU", "Disk latency"],
        "Deployment": ["Provisioning fails", "VM extension errors"],
    },
    "App Service": {
        "Deployment": ["Git or ZIP deployment fails", "Slot swap fails"],
        "Availability": ["HTTP 5xx errors", "Unexpected restarts"],
        "Configuration": ["Custom domains and TLS", "Application settings"],
    },
    "SQL Database": {
        "Connectivity": ["Login failures", "Firewall rules"],
        "Performance": ["Slow queries", "DTU or vCore limits"],
        "Backup and restore": ["Point-in-time restore", "Geo-replication"],
    },
    "Storage": {
        "Blob storage": ["Access denied (SAS or keys)", "Slow data transfer"],
        "Files": ["Azure Files share does not mount"],
        "Availability": ["Storage account unavailable"],
    },
    "Azure Active Directory": {
        "Sign-in": ["Multi-factor authentication", "Conditional access"],
        "Synchronization": ["Azure AD Connect errors"],
        "Applications": ["App registration and consent"],
    },
}
AZURE_BILLING = {
    "Invoices": ["Invoice question", "Credit or refund"],
    "Subscription management": ["Transfer a subscription", "Quota increase"],
}

# On-premises: product (root bound to the catalogue product) → category → problem.
ONPREM_TREE = {
    "windows-server": {
        "Active Directory": [
            "Replication failures",
            "Group Policy not applied",
            "Domain controller promotion fails",
        ],
        "Networking": ["DNS resolution", "DHCP scope"],
        "Hyper-V": ["Virtual machine does not start", "Live migration fails"],
        "Setup and updates": ["Windows Update errors", "In-place upgrade fails"],
    },
    "sql-server": {
        "Database engine": ["Service does not start", "Blocking and deadlocks"],
        "High availability": ["Availability group failover", "Log shipping"],
        "Performance": ["Slow queries", "Memory pressure"],
    },
    "exchange-server": {
        "Mail flow": ["Queues growing", "Transport rules"],
        "Client access": ["Outlook cannot connect", "Outlook on the web errors"],
        "Hybrid": ["Hybrid Configuration Wizard fails"],
    },
    "sharepoint-server": {
        "Search": ["Crawl errors"],
        "Farm configuration": ["Service application errors", "Upgrade fails"],
        "Sites": ["Access denied"],
    },
}

# product slug → category → [(title, url, summary)]
SELF_HELP = {
    "windows-server": {
        "Active Directory": [
            (
                "Troubleshoot Active Directory replication",
                "https://learn.microsoft.com/troubleshoot/windows-server/active-directory/"
                "troubleshoot-adreplication-guidance",
                "Check replication status with repadmin and fix the common errors.",
            ),
            (
                "Group Policy is not applied",
                "https://learn.microsoft.com/troubleshoot/windows-server/group-policy/"
                "applying-group-policy-troubleshooting-guidance",
                "Use gpresult and the Group Policy event log to find why a policy is skipped.",
            ),
        ],
        "Networking": [
            (
                "Troubleshoot DNS clients",
                "https://learn.microsoft.com/troubleshoot/windows-server/networking/"
                "troubleshoot-dns-client",
                "Check name resolution step by step with Resolve-DnsName.",
            ),
        ],
        "Hyper-V": [
            (
                "A Hyper-V virtual machine does not start",
                "https://learn.microsoft.com/troubleshoot/windows-server/virtualization/"
                "troubleshoot-hyper-v-vm-start-issues",
                "Common start-up errors: permissions, memory, configuration files.",
            ),
        ],
    },
    "sql-server": {
        "Database engine": [
            (
                "SQL Server service does not start",
                "https://learn.microsoft.com/troubleshoot/sql/database-engine/startup-shutdown/"
                "troubleshoot-sql-server-startup-issues",
                "Read the error log and the service account rights first.",
            ),
        ],
        "Performance": [
            (
                "Troubleshoot slow-running queries",
                "https://learn.microsoft.com/troubleshoot/sql/database-engine/performance/"
                "troubleshoot-slow-running-queries",
                "Find waits, missing indexes and plan regressions.",
            ),
        ],
    },
    "exchange-server": {
        "Mail flow": [
            (
                "Mail queues in Exchange Server",
                "https://learn.microsoft.com/exchange/mail-flow/queues/queues",
                "How to read the queue viewer and retry or suspend messages.",
            ),
        ],
        None: [
            (
                "Exchange Server supportability matrix",
                "https://learn.microsoft.com/exchange/plan-and-deploy/supportability-matrix",
                "Supported operating systems, clients and versions.",
            ),
        ],
    },
    "sharepoint-server": {
        "Search": [
            (
                "Troubleshoot crawl errors",
                "https://learn.microsoft.com/sharepoint/search/troubleshoot-crawl",
                "Read the crawl log and check the content access account.",
            ),
        ],
    },
}

MARKETPLACE = [
    (
        "Contoso Backup Appliance",
        "Proseware, Inc.",
        "https://support.proseware.example/backup-appliance",
        "support@proseware.example",
        "+1 425 555 0142",
    ),
    (
        "Lamna Next-Generation Firewall",
        "Lamna Security Ltd.",
        "https://lamna.example/support",
        "help@lamna.example",
        "+44 20 7946 0321",
    ),
    (
        "Litware Analytics Gateway",
        "Litware Software GmbH",
        "https://litware.example/service",
        "service@litware.example",
        "+49 30 901820",
    ),
]

# Gold/Silver competency partners in these countries are activated automatically.
AUTO_ACTIVATION_COUNTRIES = ["US", "GB", "DE"]


class Command(BaseCommand):
    help = "Load a realistic catalogue, demo partners, contracts, incidents and named log-ins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--send-mail",
            action="store_true",
            help="Send the sample incidents' confirmation e-mails (not sent by default).",
        )

    def handle(self, *args, **options):
        self.today = timezone.localdate()
        # One hash for every demo user, with a fixed salt so a second run can compare
        # strings instead of paying a slow password check per user.
        self.password_hash = make_password(DEMO_PASSWORD, salt="portaldemo")
        with transaction.atomic():
            products = self.load_products()
            self.load_catalogue(products)
            apply_demo_translations(Competency, Product, SelfHelpArticle)
            people = self.load_partners_and_people()
            contracts = self.load_contracts(people)
        if options["send_mail"]:
            self.load_incidents(products, people, contracts)
        else:
            # The sample incidents are not real: keep their confirmations out of any inbox.
            dummy = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
            with override_settings(MAILERS=dummy):
                self.load_incidents(products, people, contracts)
        self.print_logins(people)
        __import__("purchases.demo", fromlist=["load"]).load(self.stdout)  # PPI (issue 19)

    # --- catalogue ------------------------------------------------------------
    def load_products(self) -> dict[str, Product]:
        products = {}
        for slug, (name, platform, versions) in PRODUCTS.items():
            product, _ = Product.objects.update_or_create(
                slug=slug, defaults={"name": name, "platform": platform, "is_active": True}
            )
            for version, mainstream_end in versions.items():
                ProductVersion.objects.update_or_create(
                    product=product, name=version, defaults={"mainstream_end_on": mainstream_end}
                )
            products[slug] = product
        return products

    def topic(self, spec: list, parent: tuple, name: str, order=0, **fields) -> tuple:
        """Add one node to ``spec``; returns its path (the parent of its children)."""
        hu, cs, ja, ko = names_for(name) or TRANSLATIONS.get(name, ("", "", "", ""))
        values = {
            "sort_order": order,
            "name_hu": hu,
            "name_cs": cs,
            "name_ja": ja,
            "name_ko": ko,
            "routes_to": "",
            "is_break_fix": True,
            "is_active": True,
            "product_id": None,
        }
        values.update(fields)
        path = (*parent, name)
        spec.append((path, values))
        return path

    def sync_tree(self, tree: str, spec: list) -> dict[tuple, Topic]:
        """Create the missing nodes of ``spec`` level by level and fix changed ones."""
        existing = {(t.parent_id, t.name): t for t in Topic.objects.filter(tree=tree)}
        nodes: dict[tuple, Topic] = {}
        for depth in sorted({len(path) - 1 for path, _ in spec}):
            new, changed = [], []
            for path, values in spec:
                if len(path) - 1 != depth:
                    continue
                parent = nodes[path[:-1]] if depth else None
                node = existing.get((parent.pk if parent else None, path[-1]))
                if node is None:
                    # bulk_create skips Topic.save(), so set what it would derive.
                    node = Topic(tree=tree, parent=parent, name=path[-1], depth=depth, **values)
                    new.append(node)
                elif any(getattr(node, key) != value for key, value in values.items()):
                    for key, value in values.items():
                        setattr(node, key, value)
                    changed.append(node)
                nodes[path] = node
            Topic.objects.bulk_create(new)
            if changed:
                Topic.objects.bulk_update(changed, fields=[k for k in spec[0][1]])
        return nodes

    def load_catalogue(self, products: dict[str, Product]) -> None:
        spec: list = []
        for i, (issue_type, route, services) in enumerate(OFFICE365_TREE):
            root = self.topic(spec, (), issue_type, i, routes_to=route)
            for j, (service, areas) in enumerate(services.items()):
                service_node = self.topic(spec, root, service, j)
                for k, (area, problems) in enumerate(areas.items()):
                    area_node = self.topic(spec, service_node, area, k)
                    for m, problem in enumerate(problems):
                        self.topic(spec, area_node, problem, m)
        self.sync_tree(Tree.OFFICE365, spec)

        spec = []
        azure = products["microsoft-azure"].pk
        for i, (name, problem_types) in enumerate(AZURE_TREE.items()):
            root = self.topic(spec, (), name, i, product_id=azure)
            for j, (problem_type, categories) in enumerate(
                {**problem_types, **AZURE_OUT_OF_SCOPE}.items()
            ):
                type_node = self.topic(spec, root, problem_type, j)
                out_of_scope = problem_type in AZURE_OUT_OF_SCOPE
                for k, category in enumerate(categories):
                    self.topic(
                        spec,
                        type_node,
                        category,
                        k,
                        routes_to=RoutedTeam.PARTNER_PROGRAMME if out_of_scope else "",
                        is_break_fix=not out_of_scope,
                    )
        billing = self.topic(
            spec,
            (),
            "Billing and subscription management",
            len(AZURE_TREE),
            product_id=azure,
            routes_to=RoutedTeam.BILLING,
        )
        for j, (problem_type, categories) in enumerate(AZURE_BILLING.items()):
            type_node = self.topic(spec, billing, problem_type, j)
            for k, category in enumerate(categories):
                self.topic(spec, type_node, category, k)
        self.sync_tree(Tree.AZURE, spec)

        spec = []
        for i, (slug, categories) in enumerate(ONPREM_TREE.items()):
            product = products[slug]
            root = self.topic(spec, (), product.name, i, product_id=product.pk)
            for j, (category, problems) in enumerate(categories.items()):
                category_node = self.topic(spec, root, category, j)
                for k, problem in enumerate(problems):
                    self.topic(spec, category_node, problem, k)
        nodes = self.sync_tree(Tree.ON_PREMISES, spec)
        for slug, categories in SELF_HELP.items():
            product = products[slug]
            for category, articles in categories.items():
                category_node = nodes[(product.name, category)] if category else None
                for title, url, summary in articles:
                    SelfHelpArticle.objects.update_or_create(
                        product=product,
                        name=title,
                        defaults={"topic": category_node, "url": url, "summary": summary},
                    )

        for name, isv, url, email, phone in MARKETPLACE:
            MarketplaceProduct.objects.update_or_create(
                name=name,
                defaults={
                    "isv_name": isv,
                    "support_url": url,
                    "support_email": email,
                    "support_phone": phone,
                },
            )
        for country in AUTO_ACTIVATION_COUNTRIES:
            CountryActivationRule.objects.get_or_create(
                country=country, defaults={"auto_activate": True}
            )

    # --- partners and people ------------------------------------------------------
    def partner(self, number, *, hq_city, competencies=(), create_defaults=None, **fields):
        partner, _ = Partner.objects.update_or_create(
            partner_number=number,
            defaults=fields,
            create_defaults={**fields, **(create_defaults or {})},
        )
        Location.objects.update_or_create(
            partner=partner,
            kind=Location.Kind.HEADQUARTERS,
            defaults={
                "name": f"{partner.name} — headquarters",
                "city": hq_city,
                "country": partner.country,
                "program_contact_name": fields.get("technical_contact_name", ""),
                "program_contact_email": fields.get("membership_email", ""),
            },
        )
        for name, level, earned in competencies:
            PartnerCompetency.objects.get_or_create(
                partner=partner,
                competency=Competency.objects.get(name=name),
                defaults={"level": level, "earned_on": earned},
            )
        return partner

    def user(self, username, first, last, email, *, partner=None, profile=None, **fields):
        user, created = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": email,
                "partner": partner,
                "is_active": True,
                **fields,
            },
            # The profile is the user's own once created: later runs leave it alone.
            create_defaults={
                "first_name": first,
                "last_name": last,
                "email": email,
                "partner": partner,
                **fields,
                **(profile or {}),
            },
        )
        if user.password != self.password_hash:
            user.password = self.password_hash
            user.save(update_fields=["password"])
        return user

    def make_technical_contact(self, partner: Partner, user: User) -> None:
        if partner.technical_contact_id != user.pk or partner.technical_contact_email != user.email:
            partner.technical_contact = user
            partner.technical_contact_name = user.get_full_name()
            partner.technical_contact_email = user.email
            partner.save(
                update_fields=[
                    "technical_contact",
                    "technical_contact_name",
                    "technical_contact_email",
                ]
            )

    def load_partners_and_people(self) -> dict:
        today = self.today
        earned = dt.date(2013, 5, 1)
        people = {}

        gold = self.partner(
            "4100001",
            name="Northwind Productivity Kft.",
            hq_city="Budapest",
            membership_level=MembershipLevel.GOLD,
            region=Region.EMEA,
            country="HU",
            membership_start=dt.date(2012, 4, 15),
            membership_email="membership@northwind-productivity.example",
            technical_contact_name="Gábor Kovács",
            competencies=[("Cloud Productivity", CompetencyLevel.GOLD, earned)],
        )
        people["gold"] = self.user(
            "gold",
            "Gábor",
            "Kovács",
            "gabor.kovacs@northwind-productivity.example",
            partner=gold,
            partner_role=User.PartnerRole.PARTNER_ADMIN,
            profile={"phone": "+36 1 555 0101", "time_zone": "Europe/Budapest"},
        )
        self.make_technical_contact(gold, people["gold"])
        Location.objects.update_or_create(
            partner=gold,
            kind=Location.Kind.ADDITIONAL,
            name="Northwind Productivity — Debrecen office",
            defaults={
                "city": "Debrecen",
                "country": "HU",
                "program_contact_name": "Réka Szabó",
                "program_contact_email": "reka.szabo@northwind-productivity.example",
            },
        )

        cloud = self.partner(
            "4100002",
            name="Contoso Cloud Services Ltd.",
            hq_city="London",
            membership_level=MembershipLevel.GOLD,
            region=Region.EMEA,
            country="GB",
            membership_start=dt.date(2011, 10, 1),
            membership_email="partners@contoso-cloud.example",
            technical_contact_name="Claire Owens",
            competencies=[("Cloud Platform", CompetencyLevel.GOLD, earned)],
        )
        people["cloud"] = self.user(
            "cloud",
            "Claire",
            "Owens",
            "claire.owens@contoso-cloud.example",
            partner=cloud,
            partner_role=User.PartnerRole.PARTNER_ADMIN,
            profile={"phone": "+44 20 7946 0102", "time_zone": "Europe/London"},
        )
        self.make_technical_contact(cloud, people["cloud"])
        Location.objects.update_or_create(
            partner=cloud,
            kind=Location.Kind.ADDITIONAL,
            name="Contoso Cloud — Manchester",
            defaults={"city": "Manchester", "country": "GB"},
        )
        subscription, _ = AzureSubscription.objects.get_or_create(
            subscription_id=uuid.uuid5(DEMO_NAMESPACE, "subscription-contoso-production"),
            defaults={"name": "Contoso Cloud — Production", "owner_partner": cloud},
        )
        SubscriptionRole.objects.update_or_create(
            subscription=subscription,
            user=people["cloud"],
            defaults={"role": SubscriptionRole.Role.SERVICE_ADMIN},
        )
        people["cloud_subscription"] = subscription

        hybrid_start = today - dt.timedelta(days=91)
        hybrid = self.partner(
            "4100003",
            name="Sakura Datacenter K.K.",
            hq_city="Tokyo",
            membership_level=MembershipLevel.GOLD,
            region=Region.APGC,
            country="JP",
            membership_email="partner@sakura-dc.example",
            technical_contact_name="Haruto Sato",
            # About three months ago: Azure waits for the first renewal.
            create_defaults={"membership_start": hybrid_start},
        )
        PartnerCompetency.objects.get_or_create(
            partner=hybrid,
            competency=Competency.objects.get(name="Datacenter"),
            defaults={"level": CompetencyLevel.GOLD, "earned_on": hybrid.membership_start},
        )
        people["hybrid"] = self.user(
            "hybrid",
            "Haruto",
            "Sato",
            "haruto.sato@sakura-dc.example",
            partner=hybrid,
            partner_role=User.PartnerRole.GLOBAL_ADMIN,
            profile={"phone": "+81 3 5555 0103", "time_zone": "Asia/Tokyo"},
        )
        self.make_technical_contact(hybrid, people["hybrid"])

        actionpack = self.partner(
            "4100004",
            name="Fabrikam Start s.r.o.",
            hq_city="Praha",
            membership_level=MembershipLevel.ACTION_PACK,
            region=Region.EMEA,
            country="CZ",
            membership_start=dt.date(2024, 2, 1),
            membership_email="clenstvi@fabrikam-start.example",
            technical_contact_name="Jana Nováková",
        )
        people["actionpack"] = self.user(
            "actionpack",
            "Jana",
            "Nováková",
            "jana.novakova@fabrikam-start.example",
            partner=actionpack,
            partner_role=User.PartnerRole.GLOBAL_ADMIN,
            alternate_email="it@fabrikam-start.example",
            profile={"phone": "+420 222 555 104", "time_zone": "Europe/Prague"},
        )
        self.make_technical_contact(actionpack, people["actionpack"])

        provider = self.partner(
            "4100006",
            name="Adventure Works Distribution Inc.",
            hq_city="Seattle",
            membership_level=MembershipLevel.GOLD,
            region=Region.NORTH_AMERICA,
            country="US",
            membership_start=dt.date(2010, 7, 1),
            membership_email="csp@adventure-works.example",
            technical_contact_name="Olivia Park",
            csp_role=CspRole.INDIRECT_PROVIDER,
            competencies=[("Cloud Platform", CompetencyLevel.GOLD, earned)],
        )
        people["provider"] = self.user(
            "provider",
            "Olivia",
            "Park",
            "olivia.park@adventure-works.example",
            partner=provider,
            partner_role=User.PartnerRole.GLOBAL_ADMIN,
            profile={"phone": "+1 206 555 0106", "time_zone": "America/Los_Angeles"},
        )
        self.make_technical_contact(provider, people["provider"])

        csp = self.partner(
            "4100005",
            name="Tailspin Cloud Resellers Co., Ltd.",
            hq_city="Seoul",
            membership_level=MembershipLevel.SILVER,
            region=Region.APGC,
            country="KR",
            membership_start=dt.date(2015, 3, 2),
            membership_email="partner@tailspin-cloud.example",
            technical_contact_name="Min-jun Kim",
            csp_role=CspRole.INDIRECT_RESELLER,
            competencies=[
                ("Small and Midmarket Cloud Solutions", CompetencyLevel.SILVER, dt.date(2016, 1, 4))
            ],
        )
        people["csp"] = self.user(
            "csp",
            "Min-jun",
            "Kim",
            "minjun.kim@tailspin-cloud.example",
            partner=csp,
            partner_role=User.PartnerRole.PARTNER_ADMIN,
            profile={"phone": "+82 2 555 0105", "time_zone": "Asia/Seoul"},
        )
        self.make_technical_contact(csp, people["csp"])

        customers = []
        for key, name, domain in [
            ("wingtip", "Wingtip Toys", "wingtiptoys.onmicrosoft.com"),
            ("litware", "Litware, Inc.", "litware.onmicrosoft.com"),
            ("woodgrove", "Woodgrove Bank", "woodgrovebank.onmicrosoft.com"),
        ]:
            customer, _ = Customer.objects.update_or_create(
                tenant_domain=domain, defaults={"name": name}
            )
            CustomerPartner.objects.update_or_create(
                customer=customer,
                partner=csp,
                defaults={"relationship": CustomerRelationship.RESELLER},
            )
            CustomerPartner.objects.update_or_create(
                customer=customer,
                partner=provider,
                defaults={"relationship": CustomerRelationship.PROVIDER},
            )
            sub, _ = AzureSubscription.objects.update_or_create(
                subscription_id=uuid.uuid5(DEMO_NAMESPACE, f"subscription-{key}"),
                defaults={
                    "name": f"{name} — Azure plan",
                    "owner_customer": customer,
                    "provider": provider,
                },
            )
            SubscriptionRole.objects.update_or_create(
                subscription=sub,
                user=people["provider"],
                defaults={"role": SubscriptionRole.Role.CO_ADMIN},
            )
            customers.append((customer, sub))
        wingtip, wingtip_sub = customers[0]
        SubscriptionRole.objects.update_or_create(
            subscription=wingtip_sub,
            user=people["csp"],
            defaults={"role": SubscriptionRole.Role.CO_ADMIN},
        )
        people["customers"] = customers
        self.load_service_health(customers)

        people["engineer"] = self.user(
            "engineer", "Eszter", "Nagy", "eszter.nagy@support.example", partner=None
        )
        people["engineer"].groups.add(
            Group.objects.get_or_create(name=settings.SUPPORT_ENGINEERS_GROUP)[0]
        )
        people["staff"] = self.user(
            "staff",
            "Peter",
            "Novak",
            "program.office@support.example",
            partner=None,
            is_staff=True,
            is_superuser=True,
        )
        return people

    def load_service_health(self, customers) -> None:
        now = timezone.now()
        (wingtip, _), (litware, _), (woodgrove, _) = customers
        events = [
            (
                wingtip,
                ServiceHealthEvent.Service.AZURE,
                ServiceHealthEvent.Status.DEGRADED,
                "Virtual Machines: intermittent connectivity in Korea Central",
                "Some customers may be unable to connect to virtual machines.",
                now - dt.timedelta(hours=3),
                None,
            ),
            (
                wingtip,
                ServiceHealthEvent.Service.OFFICE365,
                ServiceHealthEvent.Status.RESOLVED,
                "Exchange Online: delayed mail delivery",
                "Mail was delayed by up to 40 minutes; the queue has drained.",
                now - dt.timedelta(days=2),
                now - dt.timedelta(days=2) + dt.timedelta(hours=4),
            ),
            (
                litware,
                ServiceHealthEvent.Service.OFFICE365,
                ServiceHealthEvent.Status.ADVISORY,
                "SharePoint Online: planned maintenance this weekend",
                "Read-only mode for up to 30 minutes per site collection.",
                now - dt.timedelta(hours=20),
                None,
            ),
            (
                woodgrove,
                ServiceHealthEvent.Service.EMS,
                ServiceHealthEvent.Status.INCIDENT,
                "Intune: device enrolment failures",
                "New iOS enrolments fail with error 0x80180014.",
                now - dt.timedelta(minutes=50),
                None,
            ),
        ]
        for customer, service, status, title, details, started, resolved in events:
            ServiceHealthEvent.objects.get_or_create(
                customer=customer,
                title=title,
                defaults={
                    "service": service,
                    "status": status,
                    "details": details,
                    "started_at": started,
                    "resolved_at": resolved,
                },
            )

    # --- contracts ------------------------------------------------------------------
    def contract(
        self,
        partner,
        access_id,
        contract_id,
        *,
        kind,
        name,
        units,
        activated_on=None,
        location=None,
        register_to=(),
    ) -> Contract:
        contract, created = Contract.objects.get_or_create(
            access_id=access_id,
            contract_id=contract_id,
            defaults={
                "partner": partner,
                "kind": kind,
                "name": name,
                "units_granted": units,
                "location": location,
            },
        )
        if created and activated_on is not None:
            # Through the model so the ledger records it and the end date follows the rules.
            contract.activate(on=activated_on)
        for user in register_to:
            ContractRegistration.objects.get_or_create(contract=contract, user=user)
        return contract

    def load_contracts(self, people) -> dict[str, Contract]:
        today = self.today
        cloud_user, gold_user = people["cloud"], people["gold"]
        cloud, gold = cloud_user.partner, gold_user.partner
        actionpack_user = people["actionpack"]
        contracts = {}
        contracts["cloud_scs"] = self.contract(
            cloud,
            "SCS-CONTOSO-01",
            "7700-4100-0021",
            kind=ContractKind.SIGNATURE_CLOUD,
            name="Signature Cloud Support — Microsoft Azure",
            units=10,
            activated_on=today - dt.timedelta(days=60),
            register_to=[cloud_user],
        )
        contracts["cloud_scs_expired"] = self.contract(
            cloud,
            "SCS-CONTOSO-00",
            "7700-4100-0011",
            kind=ContractKind.SIGNATURE_CLOUD,
            name="Signature Cloud Support — previous year",
            units=10,
            activated_on=today - dt.timedelta(days=500),
            register_to=[cloud_user],
        )
        contracts["cloud_product_support"] = self.contract(
            cloud,
            "PSI-CONTOSO-01",
            "5500-4100-0022",
            kind=ContractKind.PRODUCT_SUPPORT,
            name="Partner support Gold 20-pack",
            units=20,
            activated_on=today - dt.timedelta(days=60),
            register_to=[cloud_user],
        )
        contracts["cloud_advisory"] = self.contract(
            cloud,
            "ADV-CONTOSO-01",
            "3300-4100-0023",
            kind=ContractKind.ADVISORY,
            name="Advisory hours (Gold)",
            units=40,
            activated_on=today - dt.timedelta(days=60),
            register_to=[cloud_user],
        )
        contracts["gold_product_support"] = self.contract(
            gold,
            "PSI-NORTHWIND-01",
            "5500-4100-0012",
            kind=ContractKind.PRODUCT_SUPPORT,
            name="Partner support Gold 20-pack",
            units=20,
            activated_on=today - dt.timedelta(days=200),
            register_to=[gold_user],
        )
        contracts["gold_advisory"] = self.contract(
            gold,
            "ADV-NORTHWIND-01",
            "3300-4100-0013",
            kind=ContractKind.ADVISORY,
            name="Advisory hours (Gold)",
            units=20,
            activated_on=today - dt.timedelta(days=200),
            register_to=[gold_user],
        )
        debrecen = gold.locations.get(kind=Location.Kind.ADDITIONAL)
        contracts["gold_abtk"] = self.contract(
            gold,
            "ABTK-NORTHWIND-02",
            "5500-4100-0014",
            kind=ContractKind.PRODUCT_SUPPORT,
            name="Additional Business Location Kit — Debrecen",
            units=5,
            location=debrecen,
        )
        # Action Pack: benefits are there but not activated yet (the partner must request it).
        actionpack = actionpack_user.partner
        contracts["actionpack_product_support"] = self.contract(
            actionpack,
            "PSI-FABRIKAM-01",
            "5500-4100-0041",
            kind=ContractKind.PRODUCT_SUPPORT,
            name="Action Pack support incidents",
            units=10,
            register_to=[actionpack_user],
        )
        contracts["actionpack_advisory"] = self.contract(
            actionpack,
            "ADV-FABRIKAM-01",
            "3300-4100-0042",
            kind=ContractKind.ADVISORY,
            name="Action Pack advisory hours",
            units=5,
            register_to=[actionpack_user],
        )
        return contracts

    # --- sample incidents ---------------------------------------------------------
    def load_incidents(self, products, people, contracts) -> None:
        cloud, gold, csp, hybrid = people["cloud"], people["gold"], people["csp"], people["hybrid"]
        engineer = people["engineer"]
        azure = products["microsoft-azure"]
        office365 = products["office-365"]
        windows = products["windows-server"]

        def leaf(tree, *names):
            node = None
            for name in names:
                node = Topic.objects.get(tree=tree, parent=node, name=name)
            return node

        def common(user):
            return {
                "contact_name": user.get_full_name(),
                "contact_email": user.email,
                "contact_phone": str(user.phone or ""),
                "time_zone": user.time_zone,
            }

        samples = [
            (
                "azure-vm-down",
                dict(
                    user=cloud,
                    channel="azure",
                    title="Production VMs unreachable after NSG change",
                    description="Since this morning none of the three web VMs accept RDP "
                    "or HTTP traffic. We changed a network security group rule at 07:40.",
                    error_message="Connection timed out (0x0000274C)",
                    severity="A",
                    is_24x7=True,
                    product=azure,
                    topic=leaf(
                        Tree.AZURE, "Virtual Machines", "Connectivity", "Network security groups"
                    ),
                    subscription=people["cloud_subscription"],
                    contract=contracts["cloud_scs"],
                    facts={"started": "07:45 UTC", "affected": "3 VMs"},
                    **common(cloud),
                ),
                {"overdue": True},
            ),
            (
                "azure-sql-slow",
                dict(
                    user=cloud,
                    channel="azure",
                    title="SQL Database queries ten times slower since scaling",
                    description="After moving to 8 vCores, the nightly report queries run "
                    "ten times slower than before.",
                    severity="B",
                    product=azure,
                    topic=leaf(Tree.AZURE, "SQL Database", "Performance", "Slow queries"),
                    subscription=people["cloud_subscription"],
                    contract=contracts["cloud_scs"],
                    **common(cloud),
                ),
                {
                    "status": Status.IN_PROGRESS,
                    "reply": "I am looking at the query store of your database now. Could you "
                    "tell me which report is the slowest?",
                    "answer": "The monthly revenue report; it used to take 40 seconds.",
                },
            ),
            (
                "azure-advisory",
                dict(
                    user=cloud,
                    channel="azure",
                    title="Architecture review for a multi-region deployment",
                    description="We would like guidance on a multi-region design.",
                    severity="C",
                    product=azure,
                    topic=leaf(
                        Tree.AZURE,
                        "App Service",
                        "Advisory and partner questions",
                        "Advisory / architecture guidance",
                    ),
                    route_to=RoutedTeam.PARTNER_PROGRAMME,
                    **common(cloud),
                ),
                {},
            ),
            (
                "office365-mail-delay",
                dict(
                    user=gold,
                    channel="office365",
                    title="Outbound e-mail delayed by up to two hours",
                    description="Messages to external recipients sit in the outbox for up "
                    "to two hours. Internal mail is fine.",
                    severity="B",
                    product=office365,
                    topic=leaf(
                        Tree.OFFICE365,
                        "Technical",
                        "Exchange Online",
                        "Mail flow",
                        "Delayed or missing e-mail",
                    ),
                    facts={"tenant": "northwind.onmicrosoft.com", "users_affected": "120"},
                    **common(gold),
                ),
                {},
            ),
            (
                "office365-sharepoint-resolved",
                dict(
                    user=gold,
                    channel="office365",
                    title="Site collection shows access denied to its owners",
                    description="Owners of the Finance site get access denied since Monday.",
                    severity="C",
                    product=office365,
                    topic=leaf(
                        Tree.OFFICE365, "Technical", "SharePoint Online", "Sites", "Access denied"
                    ),
                    **common(gold),
                ),
                {
                    "status": Status.RESOLVED,
                    "reply": "The site was locked by a retention policy; we removed the lock.",
                },
            ),
            (
                "office365-invoice",
                dict(
                    user=gold,
                    channel="office365",
                    title="Invoice shows licences we removed",
                    description="The October invoice still lists 15 E3 licences we removed.",
                    severity="C",
                    product=office365,
                    topic=leaf(
                        Tree.OFFICE365,
                        "Billing",
                        "Office 365 subscription",
                        "Invoices and payments",
                        "Invoice question",
                    ),
                    route_to=RoutedTeam.BILLING,
                    **common(gold),
                ),
                {},
            ),
            (
                "business-ad-replication",
                dict(
                    user=cloud,
                    channel="business",
                    title="Domain controllers stopped replicating",
                    description="repadmin /replsummary shows error 1722 between our two "
                    "sites since the firewall upgrade.",
                    error_message="The RPC server is unavailable (1722)",
                    severity="B",
                    product=windows,
                    product_version=ProductVersion.objects.get(product=windows, name="2025"),
                    topic=leaf(
                        Tree.ON_PREMISES,
                        "Windows Server",
                        "Active Directory",
                        "Replication failures",
                    ),
                    contract=contracts["cloud_product_support"],
                    **common(cloud),
                ),
                {
                    "status": Status.WAITING,
                    "reply": "Please send the output of dcdiag /v from both domain controllers.",
                },
            ),
            (
                "csp-wingtip-vm",
                dict(
                    user=csp,
                    channel="csp",
                    title="Customer VM fails to start after resize",
                    description="Wingtip Toys' VM 'wt-app-01' fails to start after a resize "
                    "to D4s v5.",
                    severity="C",
                    product=azure,
                    customer=people["customers"][0][0],
                    subscription=people["customers"][0][1],
                    support_plan="Cloud Solution Provider",
                    **common(csp),
                ),
                {},
            ),
            (
                "azure-hybrid-rejected",
                dict(
                    user=hybrid,
                    channel="azure",
                    title="Storage account returns 403 to our backup job",
                    description="Our backup job gets 403 from the storage account.",
                    severity="B",
                    product=azure,
                    topic=leaf(
                        Tree.AZURE, "Storage", "Blob storage", "Access denied (SAS or keys)"
                    ),
                    reject_reason=str(hybrid.partner.eligibility_for("azure").reason),
                    **common(hybrid),
                ),
                {},
            ),
        ]
        for key, fields, follow_up in samples:
            submission_key = uuid.uuid5(DEMO_NAMESPACE, f"incident-{key}")
            if Incident.objects.filter(submission_key=submission_key).exists():
                continue
            with transaction.atomic():
                incident = submit_incident(submission_key=submission_key, **fields)
                self.follow_up(incident, engineer, **follow_up)

    def follow_up(self, incident, engineer, *, status=None, reply="", answer="", overdue=False):
        """Move a fresh sample incident along, recording history as the workflow would."""
        now = timezone.now()
        if overdue:
            shift = dt.timedelta(hours=3)
            Incident.objects.filter(pk=incident.pk).update(
                created_at=incident.created_at - shift,
                response_due_at=incident.response_due_at - shift,
            )
            incident.history.update(created_at=incident.created_at - shift)
        if not status:
            return
        submitter = incident.submitted_by
        incident.owner = engineer
        HistoryEvent.objects.create(
            incident=incident,
            actor=engineer,
            kind=HistoryEvent.Kind.ASSIGNED,
            detail=engineer.get_full_name(),
            is_internal=True,
        )
        if reply:
            Message.objects.create(incident=incident, author=engineer, body=reply, created_at=now)
            HistoryEvent.objects.create(
                incident=incident, actor=engineer, kind=HistoryEvent.Kind.MESSAGE
            )
            HistoryEvent.objects.create(
                incident=incident, actor=engineer, kind=HistoryEvent.Kind.FIRST_RESPONSE
            )
            incident.first_response_at = now
        if answer:
            Message.objects.create(
                incident=incident,
                author=submitter,
                body=answer,
                created_at=now + dt.timedelta(minutes=20),
            )
            HistoryEvent.objects.create(
                incident=incident, actor=submitter, kind=HistoryEvent.Kind.MESSAGE
            )
        HistoryEvent.objects.create(
            incident=incident,
            actor=engineer,
            kind=HistoryEvent.Kind.STATUS,
            from_status=incident.status,
            to_status=status,
        )
        incident.status = status
        incident.save(update_fields=["owner", "first_response_at", "status", "updated_at"])

    # --- output ---------------------------------------------------------------------
    def print_logins(self, people) -> None:
        def eligibility(user):
            partner = user.partner
            answers = []
            for product, label in (("office365", "Office 365"), ("azure", "Azure")):
                ok = partner.eligibility_for(product, on=self.today).eligible
                answers.append(f"{label} {'eligible' if ok else 'not eligible'}")
            return "; ".join(answers)

        rows = [
            (
                "gold",
                f"{people['gold'].partner.name}: Gold Cloud Productivity, technical contact "
                f"({eligibility(people['gold'])})",
            ),
            (
                "cloud",
                f"{people['cloud'].partner.name}: Cloud Platform, designated technical contact, "
                "service admin of an Azure subscription, active Signature Cloud Support "
                f"contract (+ an expired one), Product Support and Advisory "
                f"({eligibility(people['cloud'])})",
            ),
            (
                "hybrid",
                f"{people['hybrid'].partner.name}: Gold Datacenter, member since "
                f"{people['hybrid'].partner.membership_start.isoformat()}; Azure waits for the "
                f"first renewal on {people['hybrid'].partner.renewal_date.isoformat()}",
            ),
            (
                "actionpack",
                f"{people['actionpack'].partner.name}: Action Pack, global admin, benefits not "
                "activated yet (activation requests go to the Regional Service Center)",
            ),
            (
                "csp",
                f"{people['csp'].partner.name}: CSP indirect reseller with "
                f"{len(people['customers'])} customers, co-admin of one customer subscription",
            ),
            (
                "provider",
                f"{people['provider'].partner.name}: CSP indirect provider of those customers' "
                "subscriptions",
            ),
            ("engineer", "Support engineer (incident queue)"),
            ("staff", "Program staff (Django admin at /admin/)"),
        ]
        out = self.stdout
        out.write(self.style.SUCCESS("Demo data loaded."))
        out.write("")
        out.write(f"Demo log-ins — the password for all of them is: {DEMO_PASSWORD}")
        width = max(len(name) for name, _ in rows)
        for name, description in rows:
            out.write(f"  {name.ljust(width)}  {description}")
        out.write("")
        out.write(
            "Partner users complete the one-time profile at their first log-in. "
            "Sign in at http://127.0.0.1:8000/accounts/login/"
        )
