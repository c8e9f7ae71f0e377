"""The choices of the incidents app (re-exported from ``incidents.models``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tree(models.TextChoices):
    OFFICE365 = "office365", _("Office 365")
    AZURE = "azure", _("Microsoft Azure")
    ON_PREMISES = "onprem", _("On-premises")


class RoutedTeam(models.TextChoices):
    BILLING = "billing", _("Billing and subscription management")
    PARTNER_PROGRAMME = "partner_programme", _("Partner programme (partner channels)")
    ACCOUNT = "account", _("Account and password support")
    OTHER = "other", _("Another support team")


class Severity(models.TextChoices):
    A = "A", _("A — critical: significant loss or degradation of services; production down")
    B = "B", _("B — moderate: moderate loss or degradation; production partially affected")
    C = "C", _("C — minimal: minimal loss; services still usable, or non-production affected")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting for partner")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    ROUTED = "routed", _("Routed")


OPEN_STATUSES = (Status.SUBMITTED, Status.IN_PROGRESS, Status.WAITING)


class Channel(models.TextChoices):
    OFFICE365 = "office365", _("Office 365 (Signature Cloud Support)")
    AZURE = "azure", _("Microsoft Azure (Signature Cloud Support)")
    BUSINESS = "business", _("Support for Business")
    CSP = "csp", _("CSP service request")
