"""The choices of the partners app (re-exported from ``partners.models``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MembershipLevel(models.TextChoices):
    GOLD = "gold", _("Gold")
    SILVER = "silver", _("Silver")
    ACTION_PACK = "action_pack", _("Action Pack")
    NETWORK_MEMBER = "network_member", _("Network member")


class Region(models.TextChoices):
    NORTH_AMERICA = "na", _("North America")
    LATIN_AMERICA = "latam", _("Latin America")
    EMEA = "emea", _("Europe, Middle East and Africa")
    APGC = "apgc", _("Asia Pacific and Greater China")


class CspRole(models.TextChoices):
    NONE = "none", _("None")
    ADVISOR = "advisor", _("Advisor")
    INDIRECT_RESELLER = "indirect_reseller", _("Indirect reseller")
    DIRECT_PROVIDER = "direct_provider", _("Direct CSP provider")
    INDIRECT_PROVIDER = "indirect_provider", _("Indirect provider (distributor)")


class ScsProduct(models.TextChoices):
    """Products Signature Cloud Support covers."""

    OFFICE365 = "office365", _("Office 365")
    AZURE = "azure", _("Microsoft Azure")


class CompetencyFamily(models.TextChoices):
    CLOUD = "cloud", _("Cloud performance")
    HYBRID = "hybrid", _("Hybrid")
    ON_PREMISES = "onprem", _("On-premises")


class CompetencyLevel(models.TextChoices):
    GOLD = "gold", _("Gold")
    SILVER = "silver", _("Silver")


class CustomerRelationship(models.TextChoices):
    PROVIDER = "provider", _("Subscription provider (direct CSP or indirect provider)")
    RESELLER = "reseller", _("Indirect reseller")
    ADVISOR = "advisor", _("Advisor")
