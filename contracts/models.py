"""Support contracts, the product catalogue they cover, and activation (SPEC §3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import F, Q, StringAgg, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from partners.models import Location, Partner
from partners.stamps import CONTRACTS, bump_partner_stamp
from portal.lib.i18n import TranslatedNameModel, local_date

# Activation requests and their rules live in their own module.
from .activation_models import (  # noqa: F401 - re-exported
    APGC_TO_RSC_COUNTRIES,
    ActivationRequest,
    CountryActivationRule,
    RegistrationFailure,
    RoutedTo,
    activation_route,
)
from .compiled_options import registered_with_covered_ids
from .consumption import consume_in_one_statement
from .kinds import kind_display


class Platform(models.TextChoices):
    OFFICE365 = "office365", _("Office 365")
    AZURE = "azure", _("Microsoft Azure")
    DYNAMICS = "dynamics", _("Dynamics CRM Online")
    EMS = "ems", _("Enterprise Mobility Suite")
    ON_PREMISES = "onprem", _("On-premises")


CLOUD_PLATFORMS = {Platform.OFFICE365, Platform.AZURE, Platform.DYNAMICS, Platform.EMS}


class Product(TranslatedNameModel):
    slug = models.SlugField(_("slug"), unique=True)
    platform = models.CharField(_("platform"), max_length=12, choices=Platform.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["platform", "name"]

    @property
    def is_cloud(self) -> bool:
        return self.platform in CLOUD_PLATFORMS


class ProductVersion(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="versions")
    name = models.CharField(_("version"), max_length=100)
    mainstream_end_on = models.DateField(
        _("mainstream support ends"),
        null=True,
        blank=True,
        help_text=_("Empty while the end date is not announced."),
    )

    class Meta:
        verbose_name = _("product version")
        verbose_name_plural = _("product versions")
        ordering = ["product", "-mainstream_end_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["product", "name"], name="unique_product_version")
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.name}"

    def in_mainstream_support(self, on: dt.date) -> bool:
        return self.mainstream_end_on is None or on <= self.mainstream_end_on


class ContractKind(models.TextChoices):
    SIGNATURE_CLOUD = "signature_cloud", _("Signature Cloud Support")
    PRODUCT_SUPPORT = "product_support", _("Product Support incidents")
    ADVISORY = "advisory", _("Advisory hours")
    VISUAL_STUDIO = "visual_studio", _("Visual Studio")
    SOFTWARE_ASSURANCE = "software_assurance", _("Software Assurance")
    PREMIER = "premier", _("Premier")
    AZURE_PLAN = "azure_plan", _("Azure support plan")
    PAY_PER_INCIDENT = "pay_per_incident", _("Pay-per-incident")
    CSP = "csp", _("Cloud Solution Provider")


# Partner Network (AI Cloud Partner Program) benefits: one year plus 30 days.
PARTNER_NETWORK_KINDS = {
    ContractKind.SIGNATURE_CLOUD,
    ContractKind.PRODUCT_SUPPORT,
    ContractKind.ADVISORY,
}
# Benefits usable only for product versions still in mainstream support.
MAINSTREAM_ONLY_KINDS = {ContractKind.PRODUCT_SUPPORT, ContractKind.VISUAL_STUDIO}


class ContractNotHeld(PermissionDenied):
    """A partner user tried to spend a contract held by another partner (HTTP 403)."""


class ContractQuerySet(models.QuerySet):
    def registered_to(self, user):
        return self.filter(registrations__user=user)

    def of_scope(self, partner, location):
        """Core benefits (``location`` is the headquarters) or one location's ABTK."""
        if location.kind == Location.Kind.HEADQUARTERS:
            return self.filter(partner=partner).filter(
                Q(location__isnull=True) | Q(location=location)
            )
        return self.filter(partner=partner, location=location)

    def activated(self):
        return self.filter(status=Contract.Status.ACTIVATED)


@dataclass(frozen=True)
class ContractOption:
    contract: Contract
    reason: str | None  # None when usable

    @property
    def usable(self) -> bool:
        return self.reason is None


class Contract(models.Model):
    class Status(models.TextChoices):
        NOT_ACTIVATED = "not_activated", _("Not activated")
        ACTIVATED = "activated", _("Activated")

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="contracts"
    )
    location = models.ForeignKey(
        Location,
        verbose_name=_("location"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
        help_text=_("Empty or the headquarters: core benefits. An additional location: ABTK."),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=ContractKind.choices)
    name = models.CharField(_("name"), max_length=200)
    access_id = models.CharField(_("Access ID"), max_length=40)
    contract_id = models.CharField(_("Contract ID"), max_length=40)
    units_granted = models.PositiveIntegerField(_("units granted"), default=0)
    units_used = models.PositiveIntegerField(_("units used"), default=0)
    status = models.CharField(
        _("activation state"), max_length=20, choices=Status.choices, default=Status.NOT_ACTIVATED
    )
    activated_on = models.DateField(_("activation date"), null=True, blank=True)
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    products = models.ManyToManyField(
        Product,
        verbose_name=_("covered products"),
        blank=True,
        related_name="contracts",
        help_text=_("Empty: every product this kind of contract may be used for."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ContractQuerySet.as_manager()
    get_kind_display = kind_display  # from the enum: contracts/kinds.py

    class Meta:
        verbose_name = _("support contract")
        verbose_name_plural = _("support contracts")
        ordering = ["partner", "kind", "ends_on"]
        constraints = [
            models.UniqueConstraint(fields=["access_id", "contract_id"], name="unique_id_pair"),
            models.CheckConstraint(
                condition=Q(units_used__lte=F("units_granted")), name="units_used_within_granted"
            ),
            models.CheckConstraint(condition=Q(units_used__gte=0), name="units_used_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.contract_id})"

    # --- derived facts ----------------------------------------------------
    @property
    def is_partner_network(self) -> bool:
        return self.kind in PARTNER_NETWORK_KINDS

    @property
    def is_core(self) -> bool:
        return self.location_id is None or self.location.kind == Location.Kind.HEADQUARTERS

    @property
    def unit_label(self) -> str:
        return _("hours") if self.kind == ContractKind.ADVISORY else _("incidents")

    @property
    def units_remaining(self) -> int:
        return self.units_granted - self.units_used

    @property
    def remaining_text(self) -> str:
        """ "1 incident left", "3 hours left": the plural form of the language."""
        count = self.units_remaining
        if self.kind == ContractKind.ADVISORY:
            text = ngettext("%(count)d hour left", "%(count)d hours left", count)
        else:
            text = ngettext("%(count)d incident left", "%(count)d incidents left", count)
        return text % {"count": count}

    @property
    def is_activated(self) -> bool:
        return self.status == self.Status.ACTIVATED

    def validity_end(self, activated_on: dt.date) -> dt.date:
        """One year after activation; Partner Network benefits get 30 days more."""
        try:
            end = activated_on.replace(year=activated_on.year + 1)
        except ValueError:
            end = activated_on.replace(year=activated_on.year + 1, day=28)
        if self.is_partner_network:
            end += dt.timedelta(days=30)
        return end

    def is_expired(self, on: dt.date) -> bool:
        return self.ends_on is not None and on > self.ends_on

    # --- rules ------------------------------------------------------------
    def unavailable_reason(
        self, product: Product, version: ProductVersion | None = None, on: dt.date | None = None
    ) -> str | None:
        """Why this contract cannot pay for an incident on ``product``; None if it can."""
        on = on or timezone.localdate()
        if not self.is_activated:
            return _("Not activated.")
        if self.is_expired(on):
            return _("Expired on %(date)s.") % {"date": local_date(self.ends_on)}
        if self.units_remaining <= 0:
            return _("No %(units)s remaining.") % {"units": self.unit_label}
        product_reason = self.product_reason(product, version, on)
        if product_reason:
            return product_reason
        return None

    def product_reason(
        self, product: Product, version: ProductVersion | None, on: dt.date
    ) -> str | None:
        if self.kind == ContractKind.ADVISORY:
            return _("Advisory hours cannot be used for incidents.")
        if self.kind in (ContractKind.SIGNATURE_CLOUD, ContractKind.CSP) and not product.is_cloud:
            return _("Cannot be used for this product: %(kind)s covers cloud products only.") % {
                "kind": self.get_kind_display()
            }
        if self.kind == ContractKind.PRODUCT_SUPPORT and product.is_cloud:
            return _(
                "Cannot be used for this product: Product Support incidents cover "
                "on-premises products only."
            )
        if self.kind == ContractKind.AZURE_PLAN and product.platform != Platform.AZURE:
            return _("Cannot be used for this product: an Azure support plan covers Azure only.")
        covered = self._covered_product_ids()
        if covered and product.pk not in covered:
            return _("Cannot be used for this product: %(product)s is not covered.") % {
                "product": product.label
            }
        if self.kind in MAINSTREAM_ONLY_KINDS and version and not version.in_mainstream_support(on):
            return _(
                "Cannot be used for this product: %(version)s is no longer in mainstream support."
            ) % {"version": str(version)}
        return None

    def _covered_product_ids(self) -> set[int]:
        # Uses the prefetch cache when the caller prefetched "products".
        return {p.pk for p in self.products.all()}

    @classmethod
    def options_for(
        cls,
        user,
        product: Product,
        version: ProductVersion | None = None,
        on: dt.date | None = None,
        kinds=None,
    ) -> tuple[list[ContractOption], list[ContractOption]]:
        """The user's registered contracts split into usable and unavailable-with-reason."""
        usable, unavailable = [], []
        on = on or timezone.localdate()  # once, not once per contract
        for contract in cls._registered_with_covered_ids(user, kinds):
            covered = {int(pk) for pk in contract.covered_product_ids.split(",") if pk}
            contract._covered_product_ids = lambda covered=covered: set(covered)
            option = ContractOption(contract, contract.unavailable_reason(product, version, on))
            (usable if option.usable else unavailable).append(option)
        return usable, unavailable

    @classmethod
    def _registered_query(cls, user, kinds=None):
        # One query: the covered products' ids come aggregated with each contract
        # (they are all the product check needs), not from a second, prefetch query.
        qs = (
            cls.objects.registered_to(user)
            .select_related("location")
            .annotate(
                covered_product_ids=StringAgg(
                    Cast("products__id", models.CharField()),
                    delimiter=Value(","),
                    default=Value(""),
                )
            )
            .order_by("ends_on", "pk")
        )
        if kinds:
            qs = qs.filter(kind__in=kinds)
        return qs

    @classmethod
    def _registered_with_covered_ids(cls, user, kinds=None) -> list[Contract]:
        """:meth:`_registered_query`'s contracts (with ``location``, ``covered_product_ids``),
        read afresh with SQL compiled once: :mod:`contracts.compiled_options`."""
        return registered_with_covered_ids(cls, user, kinds)

    # --- state changes ----------------------------------------------------
    def consume_unit(self, *, incident_number: str = "", actor=None, within=None) -> bool:
        """Take one unit, atomically. Returns False when none is left.

        The conditional UPDATE makes two simultaneous consumers unable to take the last
        unit twice, on SQLite and PostgreSQL alike. No savepoint of its own: a failure
        rolls back the caller's whole transaction (the incident too). ``within``: the
        caller's ``OneStatement`` (PostgreSQL), which takes it along with its own rows.

        A contract is used only by users of the partner that holds it: a partner
        user (``actor``) of another partner gets :class:`ContractNotHeld` (403, generic page).
        """
        held, partner_id = Q(), None
        if actor is not None and getattr(actor, "partner_id", None) is not None:
            if self.partner_id != actor.partner_id:
                raise ContractNotHeld(f"contract {self.pk} is held by another partner")
            held, partner_id = Q(partner_id=actor.partner_id), actor.partner_id
        taken = consume_in_one_statement(  # PostgreSQL: UPDATE and ledger INSERT at once
            self,
            partner_id=partner_id,
            kind=ContractEvent.Kind.CONSUMED,
            incident_number=incident_number,
            actor_id=getattr(actor, "pk", None),
            within=within,
        )
        if taken is not None:
            self.__dict__.pop("units_used", None)
            if taken:  # no signal from the one statement: what shows the units is dropped
                bump_partner_stamp(self.partner_id, CONTRACTS)
            return taken
        with transaction.atomic(savepoint=False):
            taken = Contract.objects.filter(
                held, pk=self.pk, units_used__lt=F("units_granted")
            ).update(units_used=F("units_used") + 1)
            if not taken:
                return False
            ContractEvent.objects.create(
                contract=self,
                kind=ContractEvent.Kind.CONSUMED,
                units_delta=-1,
                incident_number=incident_number,
                actor=actor,
            )
        self.__dict__.pop("units_used", None)  # stale: re-read only if someone asks for it
        bump_partner_stamp(self.partner_id, CONTRACTS)
        return True

    def refund_unit(self, *, incident_number: str = "", actor=None, note: str = "") -> bool:
        with transaction.atomic():
            given = Contract.objects.filter(pk=self.pk, units_used__gt=0).update(
                units_used=F("units_used") - 1
            )
            if not given:
                return False
            ContractEvent.objects.create(
                contract=self,
                kind=ContractEvent.Kind.REFUNDED,
                units_delta=1,
                incident_number=incident_number,
                actor=actor,
                note=note,
            )
        self.refresh_from_db(fields=["units_used"])
        return True

    def activate(self, *, on: dt.date | None = None, actor=None) -> bool:
        """Activate from ``on`` (default today) and record it. Returns False if already activated.

        The conditional UPDATE claims the row, so two staff members (or staff and
        the auto-activation command) can never activate one contract twice.
        """
        on = on or timezone.localdate()
        ends_on = self.validity_end(on)
        with transaction.atomic():
            claimed = Contract.objects.filter(pk=self.pk, status=self.Status.NOT_ACTIVATED).update(
                status=self.Status.ACTIVATED, activated_on=on, ends_on=ends_on
            )
            if not claimed:
                return False
            ContractEvent.objects.create(
                contract=self,
                kind=ContractEvent.Kind.ACTIVATED,
                actor=actor,
                note=_("Valid until %(date)s.") % {"date": local_date(ends_on)},
            )
        self.status, self.activated_on, self.ends_on = self.Status.ACTIVATED, on, ends_on
        return True

    def ledger_units_used(self) -> int:
        """Units used according to the ledger (consumed minus refunded)."""
        total = self.events.filter(
            kind__in=[ContractEvent.Kind.CONSUMED, ContractEvent.Kind.REFUNDED]
        ).aggregate(total=models.Sum("units_delta"))["total"]
        return -(total or 0)

    def extend(self, *, until: dt.date, actor=None) -> None:
        with transaction.atomic():
            old = self.ends_on
            self.ends_on = until
            self.save(update_fields=["ends_on"])
            ContractEvent.objects.create(
                contract=self,
                kind=ContractEvent.Kind.EXTENDED,
                actor=actor,
                note=f"{local_date(old)} → {local_date(until)}",
            )

    def add_units(self, count: int, *, actor=None, note: str = "") -> None:
        with transaction.atomic():
            Contract.objects.filter(pk=self.pk).update(units_granted=F("units_granted") + count)
            ContractEvent.objects.create(
                contract=self,
                kind=ContractEvent.Kind.UNITS_ADDED,
                units_delta=count,
                actor=actor,
                note=note,
            )
        self.refresh_from_db(fields=["units_granted"])


class ContractRegistration(models.Model):
    """A contract entered once by a user (Access ID + Contract ID) and offered in every wizard."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contract_registrations"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contract registration")
        verbose_name_plural = _("contract registrations")
        constraints = [
            models.UniqueConstraint(fields=["contract", "user"], name="unique_registration")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.contract}"


class ContractEvent(models.Model):
    """The units ledger and change record of a contract."""

    class Kind(models.TextChoices):
        ACTIVATED = "activated", _("Activated")
        EXTENDED = "extended", _("Extended")
        UNITS_ADDED = "units_added", _("Units added")
        CONSUMED = "consumed", _("Unit consumed")
        REFUNDED = "refunded", _("Unit refunded")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    units_delta = models.IntegerField(_("units"), default=0)
    incident_number = models.CharField(_("incident"), max_length=32, blank=True, db_index=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("contract event")
        verbose_name_plural = _("contract ledger")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.units_delta:+d}"
