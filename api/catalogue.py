"""Support topics, the caller's contracts, and service requests under a CSP customer."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Header, Query, Router
from ninja import Status as Reply

from contracts.models import Contract, Platform
from incidents.csp import (
    CspRefusal,
    customer_address_refusal,
    role_refusal,
    submit_csp_request,
)
from incidents.models import Incident, Topic
from incidents.services import SubmissionError
from partners.models import AzureSubscription, Customer, CustomerPartner

from . import present
from .intake import API_TREES, clean_contact, clean_time_zone, field_problem, submission_key
from .problems import ApiProblem
from .requests import OBJECT_ERRORS, READ_ERRORS, WRITE_ERRORS, ListFilters, page_of
from .schemas import (
    ContractOut,
    CustomerRequestIn,
    Problem,
    ServiceRequestDetail,
    ServiceRequestPage,
    SupportTopic,
)

router = Router()


@router.get("/supportTopics", response={200: list[SupportTopic], **READ_ERRORS}, tags=["Catalogue"])
def support_topics(request):
    """The portal's product / topic tree, names in the ``Accept-Language`` language.

    ``canCreate``: a topic ``POST /serviceRequests`` accepts (an active Office 365
    or Azure leaf); ``routedTo``: the team such a request is routed to, not worked.
    """
    nodes = list(
        Topic.objects.filter(is_active=True)
        .select_related("product")
        .order_by("tree", "depth", "sort_order", "name", "pk")
    )
    by_id = {n.pk: n for n in nodes}
    has_children = {n.parent_id for n in nodes if n.parent_id}
    result = []
    for node in nodes:
        path, cursor = [], node
        while cursor is not None:
            path.append(cursor)
            cursor = by_id.get(cursor.parent_id) if cursor.parent_id else None
        if path[-1].parent_id is not None:
            continue  # an inactive ancestor hides the branch
        path.reverse()
        root = path[0]
        route = next((n.routes_to for n in reversed(path) if n.routes_to), "")
        leaf = node.pk not in has_children
        result.append(
            {
                "id": node.pk,
                "name": node.label,
                "path": [n.label for n in path],
                "tree": node.tree,
                "parentId": node.parent_id,
                "productId": root.product_id,
                "productName": root.product.label if root.product_id else None,
                "isLeaf": leaf,
                "routedTo": route or None,
                "canCreate": leaf and node.tree in API_TREES,
            }
        )
    return result


@router.get("/contracts", response={200: list[ContractOut], **READ_ERRORS}, tags=["Catalogue"])
def contracts(request):
    """The contracts registered to you, with the units left."""
    return [
        {
            "contractId": c.contract_id,
            "name": c.name,
            "kind": c.kind,
            "kindLabel": str(c.get_kind_display()),
            "activated": c.is_activated,
            "endsOn": c.ends_on,
            "unitsGranted": c.units_granted,
            "unitsUsed": c.units_used,
            "unitsRemaining": c.units_remaining,
            "remainingText": c.remaining_text,
        }
        for c in Contract.objects.registered_to(request.user).order_by("ends_on", "pk")
    ]


def csp_customer(request, customer_id: int) -> Customer:
    """A customer of the caller's CSP partner; other customers are not found (404)."""
    refusal = role_refusal(request.user.partner)
    if refusal:
        raise ApiProblem(403, refusal)
    link = (
        CustomerPartner.objects.filter(
            partner_id=request.user.partner_id,
            customer_id=customer_id if 0 < customer_id < 2**63 else 0,
        )
        .select_related("customer")
        .first()
    )
    if link is None:
        raise Http404
    return link.customer


@router.get(
    "/customers/{customer_id}/serviceRequests",
    response={200: ServiceRequestPage, 400: Problem, 403: Problem, **OBJECT_ERRORS},
    tags=["CSP customers"],
)
def customer_requests(request, customer_id: int, filters: Query[ListFilters]):
    customer = csp_customer(request, customer_id)
    return page_of(Incident.objects.visible_to(request.user).filter(customer=customer), filters)


@router.post(
    "/customers/{customer_id}/serviceRequests",
    response={201: ServiceRequestDetail, 200: ServiceRequestDetail, **WRITE_ERRORS},
    tags=["CSP customers"],
)
def create_customer_request(
    request, customer_id: int, payload: CustomerRequestIn, idempotency_key: str = Header(None)
):
    """Raise a request on behalf of a customer, by the CSP rules (roles, own tenant)."""
    customer = csp_customer(request, customer_id)
    key = submission_key(request.user, idempotency_key)
    if key is not None:
        existing = Incident.objects.visible_to(request.user).filter(submission_key=key).first()
        if existing is not None:
            return Reply(200, present.service_request_detail(existing))
    name, email, phone = clean_contact(payload.primaryContact)
    refusal = customer_address_refusal(customer, email)
    if refusal:
        raise field_problem("primaryContact.email", refusal)
    subscription = None
    if payload.service == Platform.AZURE:
        if not payload.azureSubscriptionId:
            raise field_problem("azureSubscriptionId", _("This field is required."))
        subscription = AzureSubscription.objects.filter(
            subscription_id=payload.azureSubscriptionId, is_active=True
        ).first()
        if subscription is None:
            raise field_problem(
                "azureSubscriptionId", _("The subscription does not belong to this customer.")
            )
    try:
        incident = submit_csp_request(
            user=request.user,
            customer=customer,
            platform=payload.service,
            request_type=payload.requestType,
            title=payload.title.strip(),
            description=payload.description,
            severity=payload.severity,
            is_24x7=payload.is24x7,
            contact_name=name,
            contact_email=email,
            contact_phone=phone,
            time_zone=clean_time_zone(payload.timeZone, request.user),
            subscription=subscription,
            submission_key=key,
        )
    except (CspRefusal, SubmissionError) as exc:
        raise ApiProblem(422, str(exc)) from exc
    return Reply(201, present.service_request_detail(incident))
