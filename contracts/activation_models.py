"""Activation of support benefits (SPEC §3, seed 003): the requests, their routing,
and the country rules and failures around registration. Part of ``contracts.models``
(re-exported there)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from partners.models import Location, Partner, Region


class RoutedTo(models.TextChoices):
    REGIONAL_SERVICE_CENTER = "rsc", _("Regional Service Center")
    TECHNICAL_SUPPORT = "technical_support", _("Technical Support")


# Asia Pacific and Greater China goes to Technical Support, except these.
APGC_TO_RSC_COUNTRIES = {"AU", "NZ", "TW"}


def activation_route(partner: Partner, location=None) -> str:
    """Where an activation request goes, by region (SPEC §3, seed 003).

    The country is the chosen location's (a headquarters in Taiwan goes to the
    Regional Service Center whatever the partner's own country), else the partner's.
    """
    country = location.country.code if location is not None and location.country else None
    country = country or partner.country.code
    if partner.region == Region.APGC and country not in APGC_TO_RSC_COUNTRIES:
        return RoutedTo.TECHNICAL_SUPPORT
    return RoutedTo.REGIONAL_SERVICE_CENTER


class ActivationRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACTIVATED = "activated", _("Activated")
        REJECTED = "rejected", _("Rejected")

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="activation_requests"
    )
    location = models.ForeignKey(
        Location,
        verbose_name=_("benefit of"),
        on_delete=models.PROTECT,
        related_name="activation_requests",
        help_text=_("Headquarters: core benefits. An additional location: its ABTK."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="activation_requests"
    )
    routed_to = models.CharField(_("routed to"), max_length=20, choices=RoutedTo.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    # Contact details confirmed in the wizard (all required for EMEA).
    contact_name = models.CharField(_("name"), max_length=200)
    company = models.CharField(_("company"), max_length=200)
    membership_email = models.EmailField(_("e-mail linked to the membership"), blank=True)
    alternate_email = models.EmailField(_("alternate e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), blank=True)
    partner_number = models.CharField(_("partner ID"), max_length=12)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Told to the requester by e-mail and kept here (the staff decision's "why").
    # As long as the admin's reject form allows (contracts.admin.RejectForm).
    rejection_reason = models.CharField(_("reason for the rejection"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("activation request")
        verbose_name_plural = _("activation requests")
        ordering = ["-created_at"]
        constraints = [
            # One pending request per benefit: a second admin sees the first one instead.
            models.UniqueConstraint(
                fields=["location"],
                condition=Q(status="pending"),
                name="one_pending_activation_per_location",
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} — {self.location} ({self.get_status_display()})"

    @property
    def is_core(self) -> bool:
        return self.location.kind == Location.Kind.HEADQUARTERS


class CountryActivationRule(models.Model):
    """Countries where Gold/Silver competency partners' core benefits activate automatically."""

    country = CountryField(_("country"), unique=True)
    auto_activate = models.BooleanField(
        _("activate core benefits automatically within one month of enrolment"), default=True
    )

    class Meta:
        verbose_name = _("country activation rule")
        verbose_name_plural = _("country activation rules")

    def __str__(self) -> str:
        return str(self.country.name)


class RegistrationFailure(models.Model):
    """A wrong Access ID + Contract ID pair entered by a user; used to throttle guessing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("failed contract registration")
        verbose_name_plural = _("failed contract registrations")

    def __str__(self) -> str:
        return f"{self.user} at {self.created_at:%Y-%m-%d %H:%M}"
