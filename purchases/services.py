"""The pay-per-incident workflow: place an order, fulfil it once paid, refund it."""

from __future__ import annotations

import secrets
import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from contracts.models import Contract, ContractEvent, ContractKind, ContractRegistration
from portal.lib.mail import make_message, send_after_commit

from .models import Order, Payment, PriceListEntry


class PurchaseRefused(Exception):
    """The user may not buy, or not this: the message says why."""


def refusal_reason(user) -> str | None:
    """Why ``user`` cannot buy pay-per-incident support; None if they can."""
    if not getattr(user, "partner_id", None):
        return _("Only users of a partner organisation can buy support.")
    if not settings.PAYMENTS_ENABLED:
        return _("Buying support on the portal is not available at the moment.")
    if not user.is_personal_account:
        return _(
            "You are signed in with a work account (Microsoft Entra). Pay-per-incident "
            "support can be bought only with a personal account (Microsoft account, e.g. "
            "Outlook.com)."
        )
    return None


def safe_next(url: str | None, request) -> str:
    """``url`` if it points into this portal, else ""."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url[:500]
    return ""


def place_order(
    *, user, entry: PriceListEntry, quantity: int, checkout_key: uuid.UUID, next_url: str = ""
) -> Order:
    """Create the order and its payment, once per checkout key (a second "Pay" finds the first)."""
    reason = refusal_reason(user)
    if reason:
        raise PurchaseRefused(reason)
    if entry.region != user.partner.region or not entry.is_active:
        raise PurchaseRefused(_("This product is not sold in your region."))
    price = entry.price_for(quantity)
    if price is None:
        raise PurchaseRefused(_("The 5-pack is not offered in your region."))
    existing = Order.objects.filter(checkout_key=checkout_key).first()
    if existing is not None:
        return _own(existing, user)
    try:
        with transaction.atomic():
            order = Order.objects.create(
                checkout_key=checkout_key,
                partner_id=user.partner_id,
                buyer=user,
                product=entry.product,
                quantity=quantity,
                total=price,
                currency=entry.currency,
                next_url=next_url,
            )
            Payment.objects.create(
                order=order,
                variant=settings.PAYMENT_VARIANT,
                total=price,
                currency=entry.currency,
                description=str(order),
                billing_email=user.email,
            )
    except IntegrityError:
        # The other click won the race for this checkout key.
        return _own(Order.objects.get(checkout_key=checkout_key), user)
    return order


def _own(order: Order, user) -> Order:
    if order.buyer_id != user.pk:
        raise PurchaseRefused(_("This checkout belongs to another account."))
    return order


def fulfil(order: Order) -> bool:
    """Turn a paid order into a support plan, once. Returns False if it was already done.

    The conditional UPDATE claims the order: a payment confirmed twice (a second
    click, a repeated provider notification) finds it claimed and does nothing.
    """
    today = timezone.localdate()
    with transaction.atomic():
        claimed = Order.objects.filter(pk=order.pk, status=Order.Status.PENDING).update(
            status=Order.Status.PAID, paid_at=timezone.now()
        )
        if not claimed:
            return False
        order.refresh_from_db()
        contract = Contract(
            partner_id=order.partner_id,
            kind=ContractKind.PAY_PER_INCIDENT,
            name=_("Pay-per-incident: %(product)s") % {"product": order.product.name},
            access_id=f"PPI{secrets.token_hex(6).upper()}",
            contract_id=f"P{secrets.token_hex(7).upper()}",
            units_granted=order.quantity,
            status=Contract.Status.ACTIVATED,
            activated_on=today,
        )
        contract.ends_on = contract.validity_end(today)
        contract.save()
        contract.products.add(order.product)
        ContractRegistration.objects.create(contract=contract, user_id=order.buyer_id)
        ContractEvent.objects.create(
            contract=contract,
            kind=ContractEvent.Kind.UNITS_ADDED,
            units_delta=order.quantity,
            actor_id=order.buyer_id,
            note=f"{order.reference} {order.total} {order.currency}",
        )
        Order.objects.filter(pk=order.pk).update(contract=contract)
        order.contract = contract
        send_receipt(order)
    return True


def send_receipt(order: Order) -> None:
    buyer = order.buyer
    send_after_commit(
        make_message(
            "ppi-receipt",
            [buyer.email],
            {"order": order, "contract": order.contract, "buyer": buyer},
            language=buyer.language,
        )
    )


def payment_failed(order: Order) -> bool:
    """A declined, cancelled or abandoned payment: the order ends with no plan."""
    return bool(
        Order.objects.filter(pk=order.pk, status=Order.Status.PENDING).update(
            status=Order.Status.FAILED
        )
    )


def refund(order: Order, *, actor, reason: str) -> int:
    """Refund the unused incidents of a paid order; returns how many were removed.

    The unused units leave the plan (recorded in its ledger) and their share of the
    price goes back through the payment provider.
    """
    if not reason.strip():
        raise PurchaseRefused(_("Give a reason for the refund."))
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status != Order.Status.PAID or order.contract_id is None:
            raise PurchaseRefused(_("Only a paid order can be refunded."))
        contract = Contract.objects.select_for_update().get(pk=order.contract_id)
        unused = contract.units_remaining
        if unused <= 0:
            raise PurchaseRefused(_("Every incident of this plan was used: nothing to refund."))
        Contract.objects.filter(pk=contract.pk).update(units_granted=F("units_used"))
        ContractEvent.objects.create(
            contract=contract,
            kind=ContractEvent.Kind.UNITS_ADDED,
            units_delta=-unused,
            actor=actor,
            note=(
                _("Refunded (%(reference)s): %(reason)s")
                % {"reference": order.reference, "reason": reason.strip()}
            )[:300],
        )
        amount = (order.total * unused / order.quantity).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        order.payment.refund(amount)
        Order.objects.filter(pk=order.pk).update(
            status=Order.Status.REFUNDED,
            refunded_at=timezone.now(),
            refunded_amount=amount,
            refund_reason=reason.strip()[:300],
        )
    return unused
