"""Extra builders for the contracts tests (tests/builders.py is shared and not edited)."""

from partners.models import Location, User
from tests.builders import make_partner, make_user


def make_location(partner, name="Osaka office", *, city="Osaka", country=None, **extra):
    return Location.objects.create(
        partner=partner,
        kind=Location.Kind.ADDITIONAL,
        name=name,
        city=city,
        country=country or partner.country,
        **extra,
    )


def make_admin(partner, username=None, role=User.PartnerRole.GLOBAL_ADMIN, **extra):
    return make_user(partner, username=username, role=role, **extra)


def action_pack_partner(**extra):
    from partners.models import MembershipLevel

    return make_partner(level=MembershipLevel.ACTION_PACK, **extra)
