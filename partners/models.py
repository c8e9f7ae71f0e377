"""Partner organisations, their people, competencies, eligibility and customers (SPEC §2)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from portal.lib.i18n import TranslatedNameModel

from . import engineer_cache
from .choices import (  # noqa: F401 - re-exported: the app's choices are imported from here
    CompetencyFamily,
    CompetencyLevel,
    CspRole,
    CustomerRelationship,
    MembershipLevel,
    Region,
    ScsProduct,
)
from .eligibility import (  # noqa: F401 - re-exported
    Eligibility,
    _anniversary,
    _eligibility_by_rule,
    _eligibility_without_rule,
    _held_with_rules,
)
from .managers import AzureSubscriptionQuerySet, PartnerQuerySet, UserManager
from .service_health import ServiceHealthEvent  # noqa: F401 - re-exported


class Partner(models.Model):
    name = models.CharField(_("name"), max_length=200)
    partner_number = models.CharField(
        _("partner ID"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^\d{4,12}$", _("A partner ID is 4 to 12 digits."))],
        help_text=_("Partner Network ID (digits)."),
    )
    membership_level = models.CharField(
        _("membership level"), max_length=20, choices=MembershipLevel.choices
    )
    region = models.CharField(_("region"), max_length=10, choices=Region.choices)
    country = CountryField(_("country"))
    membership_start = models.DateField(_("membership start date"))
    csp_role = models.CharField(
        _("CSP role"), max_length=20, choices=CspRole.choices, default=CspRole.NONE
    )
    is_active = models.BooleanField(_("active"), default=True)
    technical_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("designated technical contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="technical_contact_for",
    )
    technical_contact_name = models.CharField(
        _("technical contact name (membership centre)"), max_length=200, blank=True
    )
    technical_contact_email = models.EmailField(
        _("technical contact e-mail (membership centre)"), blank=True
    )
    membership_email = models.EmailField(_("membership e-mail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.partner_number})"

    # --- membership -------------------------------------------------------
    @property
    def has_support_benefits(self) -> bool:
        """A network member without an Action Pack subscription has no support benefits."""
        return self.membership_level != MembershipLevel.NETWORK_MEMBER

    def first_renewal_on_or_after(self, day: dt.date) -> dt.date:
        year = max(self.membership_start.year + 1, day.year)
        renewal = _anniversary(self.membership_start, year)
        if renewal < day:
            renewal = _anniversary(self.membership_start, year + 1)
        return renewal

    @property
    def renewal_date(self) -> dt.date:
        """The next membership renewal (yearly anniversary) from today."""
        return self.first_renewal_on_or_after(timezone.localdate())

    @property
    def headquarters(self) -> Location | None:
        return self.locations.filter(kind=Location.Kind.HEADQUARTERS).first()

    @property
    def is_csp(self) -> bool:
        return self.csp_role != CspRole.NONE

    # --- eligibility ------------------------------------------------------
    def eligibility_for_products(
        self, products, on: dt.date | None = None
    ) -> dict[str, Eligibility]:
        """:meth:`eligibility_for` of several products, with one read of the partner's
        competencies and one of the rules for all of them (the partner home)."""
        products = [str(product) for product in products]
        if not self.is_active or not self.has_support_benefits:
            return {product: self.eligibility_for(product, on) for product in products}
        held = list(self.competencies.select_related("competency"))
        rules: dict[str, dict] = {product: {} for product in products}
        for rule in EligibilityRule.objects.filter(
            product__in=products, competency__in=[pc.competency_id for pc in held]
        ):
            rules[rule.product][rule.competency_id] = rule
        return {
            product: self.eligibility_for(product, on, _held=held, _rules=rules[product])
            for product in products
        }

    def eligibility_for(
        self, product: str, on: dt.date | None = None, *, _held=None, _rules=None
    ) -> Eligibility:
        """Whether this partner may use Signature Cloud Support for ``product`` on ``on``.

        Answers with the rule and the date that decided it (SPEC §2). A mapped
        competency makes the partner eligible from the later of the rule's start
        (for hybrid Azure rules: the first renewal on or after it) and the date
        the competency was earned; with several, the earliest start wins.
        """
        on = on or timezone.localdate()
        product_label = ScsProduct(product).label
        if not self.is_active:
            return Eligibility(False, _("The partner account is not active."))
        if not self.has_support_benefits:
            return Eligibility(
                False,
                _(
                    "A Network member without an Action Pack subscription has no support "
                    "benefits, so %(product)s Signature Cloud Support is not available."
                )
                % {"product": product_label},
            )
        if _held is None:  # the competencies with their rules: one query
            held, rules = _held_with_rules(self, product, EligibilityRule)
        else:
            held, rules = _held, _rules
        # (starts, competency name, partner competency, rule) for every mapped competency.
        candidates = sorted(
            (
                (max(rule.starts_for(self), pc.earned_on), pc.competency.name, pc, rule)
                for pc in held
                if (rule := rules.get(pc.competency_id)) is not None
            ),
            key=lambda item: (item[0], item[1]),
        )
        if candidates:
            starts, _name, pc, rule = candidates[0]
            return _eligibility_by_rule(starts, pc, rule, on=on, product_label=product_label)
        return _eligibility_without_rule(held, on=on, product_label=product_label)


class Location(models.Model):
    class Kind(models.TextChoices):
        HEADQUARTERS = "hq", _("Headquarters")
        ADDITIONAL = "additional", _("Additional business location")

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="locations")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=100)
    country = CountryField(_("country"))
    program_contact_name = models.CharField(_("program contact name"), max_length=200, blank=True)
    program_contact_email = models.EmailField(_("program contact e-mail"), blank=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["partner", "-kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner"],
                condition=Q(kind="hq"),
                name="one_headquarters_per_partner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class Competency(TranslatedNameModel):
    family = models.CharField(_("family"), max_length=10, choices=CompetencyFamily.choices)

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["family", "name"]
        constraints = [models.UniqueConstraint(fields=["name"], name="unique_competency_name")]


class PartnerCompetency(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="competencies")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="holders")
    level = models.CharField(_("level"), max_length=10, choices=CompetencyLevel.choices)
    earned_on = models.DateField(_("date earned"))

    class Meta:
        verbose_name = _("partner competency")
        verbose_name_plural = _("partner competencies")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "competency"], name="unique_partner_competency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.competency}"


class EligibilityRule(models.Model):
    """One row of the Signature Cloud Support eligibility table (SPEC §2), edited by staff."""

    product = models.CharField(_("product"), max_length=20, choices=ScsProduct.choices)
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="rules")
    available_from = models.DateField(_("available from"))
    requires_renewal = models.BooleanField(
        _("only from the first renewal on or after that date"), default=False
    )
    shown_from = models.DateField(_("shown in My benefits from"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")
        ordering = ["product", "competency__name"]
        constraints = [
            models.UniqueConstraint(fields=["product", "competency"], name="unique_rule")
        ]

    def __str__(self) -> str:
        return f"{self.get_product_display()} — {self.competency}"

    def starts_for(self, partner: Partner) -> dt.date:
        """The date from which this rule makes ``partner`` eligible."""
        if self.requires_renewal:
            return partner.first_renewal_on_or_after(self.available_from)
        return self.available_from


class User(AbstractUser):
    """A portal user: belongs to one partner, or is staff / a support engineer."""

    class PartnerRole(models.TextChoices):
        USER = "user", _("User")
        PARTNER_ADMIN = "partner_admin", _("Partner admin")
        GLOBAL_ADMIN = "global_admin", _("Global admin")

    class ContactMethod(models.TextChoices):
        EMAIL = "email", _("E-mail")
        PHONE = "phone", _("Phone")

    class AccountKind(models.TextChoices):
        WORK = "work", _("Work account (Microsoft Entra)")
        PERSONAL = "personal", _("Personal account (Microsoft account)")

    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="users",
    )
    partner_role = models.CharField(
        _("partner role"), max_length=20, choices=PartnerRole.choices, default=PartnerRole.USER
    )
    phone = PhoneNumberField(_("phone"), blank=True)
    alternate_email = models.EmailField(_("alternate e-mail"), blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    contact_method = models.CharField(
        _("preferred contact method"),
        max_length=10,
        choices=ContactMethod.choices,
        default=ContactMethod.EMAIL,
    )
    profile_completed_at = models.DateTimeField(_("profile completed"), null=True, blank=True)
    account_kind = models.CharField(
        _("account kind"),
        max_length=10,
        choices=AccountKind.choices,
        default=AccountKind.WORK,
        help_text=_(
            "How the user signs in. Only personal accounts can buy pay-per-incident support."
        ),
    )

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_partner_user(self) -> bool:
        return self.partner_id is not None

    @property
    def is_partner_admin(self) -> bool:
        return self.partner_id is not None and self.partner_role in (
            self.PartnerRole.PARTNER_ADMIN,
            self.PartnerRole.GLOBAL_ADMIN,
        )

    @property
    def is_support_engineer(self) -> bool:
        """A member of "Support engineers" who belongs to no partner organisation.

        Engineers work for the programme, not for a partner: a partner user is
        never treated as one, whatever their groups (the stricter reading, and it
        spares every partner page the group query). Kept per user object (once
        per request) and in the cache framework, dropped when a membership, the
        user or a group changes (partners/engineer_cache.py).
        """
        if not self.is_authenticated or self.partner_id is not None:
            return False
        answer = getattr(self, "_engineer_cache", None)
        if answer is None:
            answer = self._engineer_cache = engineer_cache.is_member(self)
        return answer

    @property
    def is_personal_account(self) -> bool:
        return self.account_kind == self.AccountKind.PERSONAL

    @property
    def needs_profile(self) -> bool:
        return self.is_partner_user and self.profile_completed_at is None

    @property
    def is_designated_technical_contact(self) -> bool:
        partner = self.partner
        return bool(
            partner
            and partner.technical_contact_id == self.pk
            and partner.technical_contact_email
            and partner.technical_contact_email.lower() == (self.email or "").lower()
        )


class Customer(models.Model):
    """A CSP partner's customer (SPEC §2, seed 001)."""

    name = models.CharField(_("name"), max_length=200)
    tenant_domain = models.CharField(_("tenant domain"), max_length=200, unique=True)
    partners = models.ManyToManyField(Partner, through="CustomerPartner", related_name="customers")

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.tenant_domain})"


class CustomerPartner(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="links")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="customer_links")
    relationship = models.CharField(
        _("relationship"), max_length=10, choices=CustomerRelationship.choices
    )

    class Meta:
        verbose_name = _("customer relationship")
        verbose_name_plural = _("customer relationships")
        constraints = [
            models.UniqueConstraint(fields=["customer", "partner"], name="unique_customer_partner")
        ]

    def __str__(self) -> str:
        return f"{self.partner} → {self.customer} ({self.get_relationship_display()})"


class AzureSubscription(models.Model):
    subscription_id = models.UUIDField(_("subscription ID"), unique=True, default=uuid.uuid4)
    name = models.CharField(_("name"), max_length=200)
    owner_partner = models.ForeignKey(
        Partner,
        verbose_name=_("owned by partner"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
    )
    owner_customer = models.ForeignKey(
        Customer,
        verbose_name=_("owned by customer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
    )
    provider = models.ForeignKey(
        Partner,
        verbose_name=_("subscription provider"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="provided_subscriptions",
        help_text=_("For a customer's subscription: the direct CSP or indirect provider."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = AzureSubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Azure subscription")
        verbose_name_plural = _("Azure subscriptions")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(owner_partner__isnull=False) & Q(owner_customer__isnull=True))
                | (Q(owner_partner__isnull=True) & Q(owner_customer__isnull=False)),
                name="subscription_has_exactly_one_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.subscription_id})"


class SubscriptionRole(models.Model):
    class Role(models.TextChoices):
        SERVICE_ADMIN = "service_admin", _("Service administrator")
        CO_ADMIN = "co_admin", _("Co-administrator")

    subscription = models.ForeignKey(
        AzureSubscription, on_delete=models.CASCADE, related_name="roles"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscription_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("subscription role")
        verbose_name_plural = _("subscription roles")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "user"], name="unique_subscription_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"
