"""Service requests on behalf of a CSP customer (SPEC §4.4): pick the customer, check its
service health, choose the service, then raise the request (or reach the ISV)."""

import logging

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from incidents.csp import (
    CSP_SUPPORT_PLAN,
    MARKETPLACE_PREFIX,
    CspRefusal,
    customer_links,
    own_tenant_refusal,
    parse_service,
    role_refusal,
    service_choices,
    submit_csp_request,
)
from incidents.forms.csp import CspRequestForm
from incidents.models import MarketplaceProduct
from incidents.services import SubmissionError
from partners.models import CustomerPartner, ServiceHealthEvent
from portal.lib.partner_only import partner_required
from portal.lib.wizards import STORAGE_ERROR_MESSAGE

logger = logging.getLogger(__name__)


def _refused(request):
    # Users without a partner never get here (partner_required): the CSP role only.
    reason = role_refusal(request.user.partner)
    if reason:
        return render(request, "incidents/csp/refused.html", {"reason": reason}, status=403)
    return None


@require_GET
@login_required
@partner_required
def start(request):
    """Step 1: choose the customer (or learn that the own tenant needs another plan)."""
    refused = _refused(request)
    if refused:
        return refused
    links = customer_links(request.user.partner)
    return render(request, "incidents/csp/start.html", {"links": links})


@require_GET
@login_required
@partner_required
def own_tenant(request):
    refused = _refused(request)
    if refused:
        return refused
    return render(request, "incidents/csp/own_tenant.html", {"reason": own_tenant_refusal()})


@require_http_methods(["GET", "POST"])
@login_required
@partner_required
def customer(request, pk):
    """Service health first, then the service, then the request form or the ISV's contacts."""
    refused = _refused(request)
    if refused:
        return refused
    link = get_object_or_404(
        CustomerPartner.objects.select_related("customer"),
        partner_id=request.user.partner_id,
        customer_id=pk,
    )
    the_customer = link.customer
    service = request.POST.get("service") or request.GET.get("service")
    platform, marketplace = parse_service(service)
    form = None
    if platform:
        form = CspRequestForm(
            request.POST if request.method == "POST" else None,
            user=request.user,
            customer=the_customer,
            platform=platform,
        )
        if request.method == "POST" and form.is_valid():
            submitted = _submit(request, form, the_customer, platform)
            if submitted:
                return submitted
    elif request.method == "POST":
        return redirect("incidents:csp_customer", pk=pk)
    events = ServiceHealthEvent.objects.for_customer(the_customer)
    return render(
        request,
        "incidents/csp/customer.html",
        {
            "link": link,
            "customer": the_customer,
            "events": events,
            "open_events": sum(1 for e in events if e.is_open),
            "services": service_choices(),
            "marketplace_products": MarketplaceProduct.objects.all(),
            "marketplace_prefix": MARKETPLACE_PREFIX,
            "service": service or "",
            "platform": platform,
            "marketplace": marketplace,
            "form": form,
            "support_plan": CSP_SUPPORT_PLAN,
        },
    )


def _submit(request, form, customer, platform):
    """Raise the request from a valid form: its confirmation, or None with the refusal on the form."""
    data = form.cleaned_data
    try:
        incident = submit_csp_request(
            user=request.user,
            customer=customer,
            platform=platform,
            request_type=data["request_type"],
            subscription=data.get("subscription"),
            title=data["title"],
            description=data["description"],
            severity=data["severity"],
            is_24x7=data["is_24x7"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
            time_zone=data["time_zone"],
            submission_key=data["submission_key"],
        )
    except (CspRefusal, SubmissionError) as exc:
        form.add_error(None, str(exc))
        return None
    except OSError:
        # Rolled back: no incident, nothing stored; the form again with the entries.
        logger.warning("Storing a CSP request failed", exc_info=True)
        form.add_error(None, STORAGE_ERROR_MESSAGE)
        return None
    return redirect("incidents:confirmation", number=incident.number)


urlpatterns = [
    path("csp/", start, name="csp"),
    path("csp/own-tenant/", own_tenant, name="csp_own_tenant"),
    path("csp/customers/<int:pk>/", customer, name="csp_customer"),
]
