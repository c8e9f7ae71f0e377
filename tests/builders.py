"""Small builder functions for tests (no large fixtures). Every argument has a sensible default."""

from __future__ import annotations

import datetime as dt
import itertools

from django.contrib.auth.models import Group
from django.utils import timezone

from contracts.models import Contract, ContractKind, ContractRegistration, Platform, Product
from incidents.models import Topic, Tree
from partners.models import (
    Competency,
    Location,
    MembershipLevel,
    Partner,
    PartnerCompetency,
    Region,
    User,
)

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery-9"


def make_partner(
    name=None,
    *,
    level=MembershipLevel.GOLD,
    region=Region.EMEA,
    country="HU",
    membership_start=dt.date(2013, 3, 1),
    competencies=(),
    **extra,
) -> Partner:
    n = next(_seq)
    partner = Partner.objects.create(
        name=name or f"Partner {n}",
        partner_number=f"{4000000 + n}",
        membership_level=level,
        region=region,
        country=country,
        membership_start=membership_start,
        membership_email=f"membership{n}@partner{n}.example",
        **extra,
    )
    Location.objects.create(
        partner=partner,
        kind=Location.Kind.HEADQUARTERS,
        name=f"{partner.name} HQ",
        city="Budapest",
        country=country,
        program_contact_name="Program Contact",
        program_contact_email=f"program{n}@partner{n}.example",
    )
    for comp in competencies:
        if isinstance(comp, str):
            comp = (comp, dt.date(2013, 1, 1))
        name_, earned = comp
        PartnerCompetency.objects.create(
            partner=partner,
            competency=Competency.objects.get(name=name_),
            level="gold",
            earned_on=earned,
        )
    return partner


def make_user(
    partner: Partner | None = None,
    *,
    username=None,
    role=User.PartnerRole.USER,
    profile_done=True,
    technical_contact=False,
    **extra,
) -> User:
    n = next(_seq)
    username = username or f"user{n}"
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        email=f"{username}@example.com",
        first_name=extra.pop("first_name", "Test"),
        last_name=extra.pop("last_name", f"User{n}"),
        partner=partner,
        partner_role=role,
        profile_completed_at=timezone.now() if profile_done else None,
        **extra,
    )
    if technical_contact and partner is not None:
        partner.technical_contact = user
        partner.technical_contact_name = user.get_full_name()
        partner.technical_contact_email = user.email
        partner.save()
    return user


def make_engineer(username=None) -> User:
    user = make_user(None, username=username)
    user.groups.add(Group.objects.get_or_create(name="Support engineers")[0])
    return user


def make_staff(username=None) -> User:
    return make_user(None, username=username, is_staff=True, is_superuser=True)


def make_product(name="Microsoft Azure", platform=Platform.AZURE, slug=None) -> Product:
    product, _ = Product.objects.get_or_create(
        slug=slug or name.lower().replace(" ", "-"), defaults={"name": name, "platform": platform}
    )
    return product


def make_contract(
    partner: Partner,
    *,
    kind=ContractKind.SIGNATURE_CLOUD,
    units=5,
    used=0,
    activated=True,
    ends_on=None,
    register_to: User | None = None,
    products=(),
    **extra,
) -> Contract:
    n = next(_seq)
    today = timezone.localdate()
    contract = Contract.objects.create(
        partner=partner,
        kind=kind,
        name=extra.pop("name", f"{kind} contract {n}"),
        access_id=extra.pop("access_id", f"AC{n:06d}"),
        contract_id=extra.pop("contract_id", f"CT{n:08d}"),
        units_granted=units,
        units_used=used,
        status=Contract.Status.ACTIVATED if activated else Contract.Status.NOT_ACTIVATED,
        activated_on=today - dt.timedelta(days=30) if activated else None,
        ends_on=ends_on or (today + dt.timedelta(days=300) if activated else None),
        **extra,
    )
    if products:
        contract.products.set(products)
    if register_to is not None:
        ContractRegistration.objects.create(contract=contract, user=register_to)
    return contract


def make_topic_path(tree: str, *names: str, **leaf_extra) -> list[Topic]:
    """Create (or reuse) a chain of topics, top first; extra fields apply to the leaf."""
    parent, nodes = None, []
    for i, name in enumerate(names):
        extra = leaf_extra if i == len(names) - 1 else {}
        node, _ = Topic.objects.get_or_create(tree=tree, parent=parent, name=name, defaults=extra)
        nodes.append(node)
        parent = node
    return nodes


__all__ = [
    "PASSWORD",
    "Tree",
    "make_contract",
    "make_engineer",
    "make_partner",
    "make_product",
    "make_staff",
    "make_topic_path",
    "make_user",
]
