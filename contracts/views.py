"""My benefits, registering a contract, and the activation request confirmation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .benefits import benefits_for
from .forms import RegisterContractForm
from .models import ActivationRequest, Contract
from .services import can_request_activation, register_contract_from


@require_GET
@login_required
def benefits(request):
    """Advisory hours, Signature Cloud and Product Support incidents per location (seed 003)."""
    locations, activation_requests = benefits_for(request.user, timezone.localdate())
    can_request, why_not = can_request_activation(request.user)
    return render(
        request,
        "contracts/benefits.html",
        {
            "locations": locations,
            "activation_requests": activation_requests,
            "can_request": can_request,
            "why_not": why_not,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def register(request):
    """Enter an Access ID + Contract ID once; it is then offered in every wizard (seed 002)."""
    if not request.user.partner_id:
        raise Http404
    status = 200
    if request.method == "POST":
        form = RegisterContractForm(request.POST)
        if form.is_valid():
            contract, throttled = register_contract_from(form, request.user)
            if contract is not None:
                messages.success(
                    request,
                    _("Contract %(id)s is registered to your account.")
                    % {"id": contract.contract_id},
                )
                return redirect("contracts:register")
            if throttled:
                status = 429
    else:
        form = RegisterContractForm()
    registered = (
        Contract.objects.registered_to(request.user)
        .select_related("partner", "location")
        .order_by("ends_on", "pk")
    )
    return render(
        request,
        "contracts/register.html",
        {"form": form, "registered": registered, "today": timezone.localdate()},
        status=status,
    )


@require_GET
@login_required
def activation_sent(request, pk):
    """Where the activation request went (RSC or Technical Support)."""
    activation = get_object_or_404(
        ActivationRequest.objects.select_related("partner", "location", "requested_by"),
        pk=pk,
        partner_id=request.user.partner_id or -1,
    )
    return render(request, "contracts/activation_sent.html", {"activation": activation})
