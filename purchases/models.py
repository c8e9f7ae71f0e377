"""Pay-per-incident (PPI): the price list, orders and their payments (SPEC §3, issue 19)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from payments import PurchasedItem
from payments.core import get_base_url
from payments.models import BasePayment

from contracts.models import Contract, Platform, Product
from partners.models import Partner, Region

SINGLE, FIVE_PACK = 1, 5


class Quantity(models.IntegerChoices):
    SINGLE = SINGLE, _("One incident")
    FIVE_PACK = FIVE_PACK, _("5-pack (five incidents)")


class PriceListQuerySet(models.QuerySet):
    def for_partner(self, partner: Partner):
        """What the partner's region may buy: active prices of active on-premises products."""
        return self.filter(
            region=partner.region, is_active=True, product__is_active=True
        ).select_related("product")


class PriceListEntry(models.Model):
    """The price of pay-per-incident support for one product family in one region."""

    product = models.ForeignKey(
        Product,
        verbose_name=_("product family"),
        on_delete=models.PROTECT,
        related_name="ppi_prices",
        limit_choices_to={"platform": Platform.ON_PREMISES},
    )
    region = models.CharField(_("region"), max_length=10, choices=Region.choices)
    currency = models.CharField(
        _("currency"),
        max_length=3,
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 code."))],
        help_text=_("ISO 4217 code, e.g. EUR, USD, JPY."),
    )
    price_single = models.DecimalField(
        _("price of one incident"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    five_pack_offered = models.BooleanField(_("5-pack offered in this region"), default=True)
    price_five_pack = models.DecimalField(
        _("price of the 5-pack"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    is_active = models.BooleanField(_("on sale"), default=True)

    objects = PriceListQuerySet.as_manager()

    class Meta:
        verbose_name = _("pay-per-incident price")
        verbose_name_plural = _("pay-per-incident price list")
        ordering = ["product__name", "region"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "region"], name="one_price_per_family_region"
            ),
            models.CheckConstraint(
                condition=Q(five_pack_offered=False) | Q(price_five_pack__isnull=False),
                name="five_pack_offered_has_price",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} — {self.get_region_display()}"

    def clean(self):
        if self.product_id and self.product.platform != Platform.ON_PREMISES:
            raise ValidationError(
                {"product": _("Pay-per-incident covers on-premises products only.")}
            )
        if self.five_pack_offered and self.price_five_pack is None:
            raise ValidationError(
                {"price_five_pack": _("Give the price of the 5-pack, or do not offer it.")}
            )

    def quantities(self) -> list[int]:
        return [SINGLE, FIVE_PACK] if self.five_pack_offered else [SINGLE]

    def price_for(self, quantity: int) -> Decimal | None:
        """The exact price of ``quantity`` incidents, or None when it is not offered."""
        if quantity == SINGLE:
            return self.price_single
        if quantity == FIVE_PACK and self.five_pack_offered:
            return self.price_five_pack
        return None


class OrderQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An order is its buyer's: the payment is tied to the signed-in account."""
        if not getattr(user, "partner_id", None):
            return self.none()
        return self.filter(buyer=user, partner_id=user.partner_id)


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for payment")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Payment failed")
        REFUNDED = "refunded", _("Refunded")

    public_id = models.UUIDField(_("order reference"), default=uuid.uuid4, unique=True)
    # One key per review page shown: a second "Pay" with the same key finds the first order.
    checkout_key = models.UUIDField(_("checkout key"), unique=True, editable=False)
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="ppi_orders"
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("buyer"),
        on_delete=models.PROTECT,
        related_name="ppi_orders",
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product family"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveSmallIntegerField(_("incidents"), choices=Quantity.choices)
    total = models.DecimalField(_("price"), max_digits=9, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    contract = models.OneToOneField(
        Contract,
        verbose_name=_("support plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ppi_order",
    )
    next_url = models.CharField(_("return to"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("ordered"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded"), null=True, blank=True)
    refunded_amount = models.DecimalField(
        _("refunded amount"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    refund_reason = models.CharField(_("refund reason"), max_length=300, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("pay-per-incident order")
        verbose_name_plural = _("pay-per-incident orders")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__in=[1, 5]), name="ppi_quantity_1_or_5"),
            models.CheckConstraint(condition=Q(total__gt=0), name="ppi_total_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.get_quantity_display()}"

    @property
    def reference(self) -> str:
        return f"PPI-{str(self.public_id)[:8].upper()}"

    def get_absolute_url(self) -> str:
        return reverse("purchases:order", kwargs={"public_id": self.public_id})

    def return_url(self) -> str:
        """Where the buyer goes back to with the new plan chosen (``next`` plus ``plan``)."""
        if not self.next_url or self.contract_id is None:
            return ""
        parts = urlsplit(self.next_url)
        query = "&".join(q for q in (parts.query, urlencode({"plan": self.contract_id})) if q)
        return urlunsplit(("", "", parts.path, query, ""))


class Payment(BasePayment):
    """A django-payments payment of one order. No card data is stored here."""

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="payment")

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def get_failure_url(self) -> str:
        return get_base_url() + self.order.get_absolute_url()

    def get_success_url(self) -> str:
        return get_base_url() + self.order.get_absolute_url()

    def get_payment_url(self) -> str:
        return reverse("purchases:pay", kwargs={"public_id": self.order.public_id})

    def get_purchased_items(self):
        order = self.order
        yield PurchasedItem(
            name=f"{order.get_quantity_display()} — {order.product.label}",
            quantity=1,
            price=order.total,
            currency=order.currency,
            sku=f"ppi-{order.quantity}",
        )
