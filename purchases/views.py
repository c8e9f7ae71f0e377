"""Buying pay-per-incident support: choose → review and consent → pay → receipt."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from payments import RedirectNeeded

from .forms import ChooseForm, ConsentForm
from .models import Order, PriceListEntry
from .providers import ChallengeForm
from .services import PurchaseRefused, place_order, refusal_reason, safe_next


def _partner_user(request):
    if not request.user.partner_id:
        raise Http404
    return request.user


def _entries(user, product=None):
    entries = PriceListEntry.objects.for_partner(user.partner)
    if product and str(product).isdigit():
        entries = entries.filter(product_id=int(product))
    return entries


def _refused(request, reason, status):
    back_url = safe_next(request.GET.get("next"), request)
    return render(
        request, "purchases/refused.html", {"reason": reason, "back_url": back_url}, status=status
    )


@require_GET
@login_required
def buy(request):
    """Step 1: one incident or a 5-pack (from My benefits, or from a wizard with ``next``)."""
    user = _partner_user(request)
    reason = refusal_reason(user)
    if reason:
        return _refused(request, reason, 200)
    # From a request the product is known: only its price (none: not sold for it here).
    entries = _entries(user, request.GET.get("product"))
    form = ChooseForm(
        initial={"next": safe_next(request.GET.get("next"), request)}, entries=entries
    )
    if len(entries) == 1:
        form.fields["quantity"].choices = [
            choice
            for choice in form.fields["quantity"].choices
            if entries[0].price_for(choice[0]) is not None
        ]
    return render(request, "purchases/choose.html", {"form": form, "entries": entries})


@require_http_methods(["GET", "POST"])
@login_required
def review(request):
    """Step 2: the exact price and the consent; "Pay" places the order once."""
    user = _partner_user(request)
    reason = refusal_reason(user)
    if reason:
        return _refused(request, reason, 403 if request.method == "POST" else 200)
    entries = _entries(user)
    if request.method == "GET":
        choice = ChooseForm(request.GET, entries=entries)
        if not choice.is_valid():
            return render(
                request, "purchases/choose.html", {"form": choice, "entries": entries}, status=400
            )
        form = ConsentForm(
            initial={
                **choice.cleaned_data,
                "entry": choice.cleaned_data["entry"].pk,
                "next": safe_next(choice.cleaned_data["next"], request),
                "checkout_key": uuid.uuid4(),
            },
            entries=entries,
        )
        return _render_review(request, form, choice.cleaned_data)
    form = ConsentForm(request.POST, entries=entries)
    if form.is_valid():
        data = form.cleaned_data
        try:
            order = place_order(
                user=user,
                entry=data["entry"],
                quantity=data["quantity"],
                checkout_key=data["checkout_key"],
                next_url=safe_next(data["next"], request),
            )
        except PurchaseRefused as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("purchases:pay", public_id=order.public_id)
    if form.cleaned_data.get("entry") is None or form.cleaned_data.get("quantity") is None:
        return render(
            request, "purchases/choose.html", {"form": form, "entries": entries}, status=400
        )
    return _render_review(request, form, form.cleaned_data, status=400)


def _render_review(request, form, choice, status=200):
    entry, quantity = choice["entry"], choice["quantity"]
    return render(
        request,
        "purchases/review.html",
        {
            "form": form,
            "entry": entry,
            "quantity": quantity,
            "price": entry.price_for(quantity),
            "back_url": safe_next(choice.get("next"), request),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def pay(request, public_id):
    """Step 3: the provider's payment form (test cards), or a redirect to the provider."""
    user = _partner_user(request)
    order = get_object_or_404(
        Order.objects.visible_to(user).select_related("payment", "product"), public_id=public_id
    )
    if order.status != Order.Status.PENDING:
        # Paid, failed or refunded already (e.g. a second click on "Pay"): show the outcome.
        return redirect(order)
    try:
        form = order.payment.get_form(data=request.POST or None)
    except RedirectNeeded as needed:
        return redirect(str(needed))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "purchases/pay.html",
        {"order": order, "form": form, "challenge": isinstance(form, ChallengeForm)},
        status=status,
    )


@require_GET
@login_required
def order_detail(request, public_id):
    """The receipt once paid; otherwise what happened to the payment."""
    user = _partner_user(request)
    order = get_object_or_404(
        Order.objects.visible_to(user).select_related("product", "contract"), public_id=public_id
    )
    return_url = safe_next(order.return_url(), request)
    return render(request, "purchases/order.html", {"order": order, "return_url": return_url})
