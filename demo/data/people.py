"""Demo partners, their users and locations, the engineer and the program staff."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.contrib.auth.models import Group

from partners.models import (
    AzureSubscription,
    Competency,
    CompetencyLevel,
    CspRole,
    Location,
    MembershipLevel,
    Partner,
    PartnerCompetency,
    Region,
    SubscriptionRole,
    User,
)

from . import DEMO_NAMESPACE, Seed
from .customers import load_customers

EARNED = dt.date(2013, 5, 1)


def partner(number, *, hq_city, competencies=(), create_defaults=None, **fields) -> Partner:
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


def user(seed: Seed, username, first, last, email, *, partner=None, profile=None, **fields):
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
    if user.password != seed.password_hash:
        user.password = seed.password_hash
        user.save(update_fields=["password"])
    return user


def make_technical_contact(partner: Partner, user: User) -> None:
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


def load_people(seed: Seed) -> dict:
    """Every demo log-in by name, plus the objects later loaders refer to."""
    people: dict = {}
    people["gold"] = load_gold(seed)
    people["cloud"], people["cloud_subscription"] = load_cloud(seed)
    people["hybrid"] = load_hybrid(seed)
    people["actionpack"] = load_actionpack(seed)
    people["provider"] = load_provider(seed)
    people["csp"] = load_csp(seed)
    people["customers"] = load_customers(people["csp"], people["provider"])
    people["engineer"] = user(
        seed, "engineer", "Eszter", "Nagy", "eszter.nagy@support.example", partner=None
    )
    people["engineer"].groups.add(
        Group.objects.get_or_create(name=settings.SUPPORT_ENGINEERS_GROUP)[0]
    )
    people["staff"] = user(
        seed,
        "staff",
        "Peter",
        "Novak",
        "program.office@support.example",
        partner=None,
        is_staff=True,
        is_superuser=True,
    )
    return people


def load_gold(seed: Seed) -> User:
    gold = partner(
        "4100001",
        name="Northwind Productivity Kft.",
        hq_city="Budapest",
        membership_level=MembershipLevel.GOLD,
        region=Region.EMEA,
        country="HU",
        membership_start=dt.date(2012, 4, 15),
        membership_email="membership@northwind-productivity.example",
        technical_contact_name="Gábor Kovács",
        competencies=[("Cloud Productivity", CompetencyLevel.GOLD, EARNED)],
    )
    gold_user = user(
        seed,
        "gold",
        "Gábor",
        "Kovács",
        "gabor.kovacs@northwind-productivity.example",
        partner=gold,
        partner_role=User.PartnerRole.PARTNER_ADMIN,
        profile={"phone": "+36 1 555 0101", "time_zone": "Europe/Budapest"},
    )
    make_technical_contact(gold, gold_user)
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
    return gold_user


def load_cloud(seed: Seed) -> tuple[User, AzureSubscription]:
    cloud = partner(
        "4100002",
        name="Contoso Cloud Services Ltd.",
        hq_city="London",
        membership_level=MembershipLevel.GOLD,
        region=Region.EMEA,
        country="GB",
        membership_start=dt.date(2011, 10, 1),
        membership_email="partners@contoso-cloud.example",
        technical_contact_name="Claire Owens",
        competencies=[("Cloud Platform", CompetencyLevel.GOLD, EARNED)],
    )
    cloud_user = user(
        seed,
        "cloud",
        "Claire",
        "Owens",
        "claire.owens@contoso-cloud.example",
        partner=cloud,
        partner_role=User.PartnerRole.PARTNER_ADMIN,
        profile={"phone": "+44 20 7946 0102", "time_zone": "Europe/London"},
    )
    make_technical_contact(cloud, cloud_user)
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
        user=cloud_user,
        defaults={"role": SubscriptionRole.Role.SERVICE_ADMIN},
    )
    return cloud_user, subscription


def load_hybrid(seed: Seed) -> User:
    hybrid = partner(
        "4100003",
        name="Sakura Datacenter K.K.",
        hq_city="Tokyo",
        membership_level=MembershipLevel.GOLD,
        region=Region.APGC,
        country="JP",
        membership_email="partner@sakura-dc.example",
        technical_contact_name="Haruto Sato",
        # About three months ago: Azure waits for the first renewal.
        create_defaults={"membership_start": seed.today - dt.timedelta(days=91)},
    )
    PartnerCompetency.objects.get_or_create(
        partner=hybrid,
        competency=Competency.objects.get(name="Datacenter"),
        defaults={"level": CompetencyLevel.GOLD, "earned_on": hybrid.membership_start},
    )
    hybrid_user = user(
        seed,
        "hybrid",
        "Haruto",
        "Sato",
        "haruto.sato@sakura-dc.example",
        partner=hybrid,
        partner_role=User.PartnerRole.GLOBAL_ADMIN,
        profile={"phone": "+81 3 5555 0103", "time_zone": "Asia/Tokyo"},
    )
    make_technical_contact(hybrid, hybrid_user)
    return hybrid_user


def load_actionpack(seed: Seed) -> User:
    actionpack = partner(
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
    actionpack_user = user(
        seed,
        "actionpack",
        "Jana",
        "Nováková",
        "jana.novakova@fabrikam-start.example",
        partner=actionpack,
        partner_role=User.PartnerRole.GLOBAL_ADMIN,
        alternate_email="it@fabrikam-start.example",
        profile={"phone": "+420 222 555 104", "time_zone": "Europe/Prague"},
    )
    make_technical_contact(actionpack, actionpack_user)
    return actionpack_user


def load_provider(seed: Seed) -> User:
    provider = partner(
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
        competencies=[("Cloud Platform", CompetencyLevel.GOLD, EARNED)],
    )
    provider_user = user(
        seed,
        "provider",
        "Olivia",
        "Park",
        "olivia.park@adventure-works.example",
        partner=provider,
        partner_role=User.PartnerRole.GLOBAL_ADMIN,
        profile={"phone": "+1 206 555 0106", "time_zone": "America/Los_Angeles"},
    )
    make_technical_contact(provider, provider_user)
    return provider_user


def load_csp(seed: Seed) -> User:
    csp = partner(
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
    csp_user = user(
        seed,
        "csp",
        "Min-jun",
        "Kim",
        "minjun.kim@tailspin-cloud.example",
        partner=csp,
        partner_role=User.PartnerRole.PARTNER_ADMIN,
        profile={"phone": "+82 2 555 0105", "time_zone": "Asia/Seoul"},
    )
    make_technical_contact(csp, csp_user)
    return csp_user
