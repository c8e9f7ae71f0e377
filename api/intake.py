"""Creating a service request through the API: the wizards' rules, one more channel.

Everything decisive is delegated: the topic's routing and the partner's
eligibility (``incidents.intake``), the Azure prerequisites
(``incidents.azure.azure_prerequisites``), the contract's usability
(``Contract.unavailable_reason``), and the transaction that creates the incident
and takes the unit (``incidents.services.submit_incident``).
"""

from __future__ import annotations

import uuid
import zoneinfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from phonenumber_field.formfields import PhoneNumberField

from contracts.models import Contract
from incidents.azure import azure_contract_kind_refusal, azure_prerequisites, azure_product
from incidents.forms.common import DATETIME_LOCAL_FORMAT
from incidents.forms.office365 import SupportingInfoForm
from incidents.intake import (
    azure_decision,
    azure_route,
    office365_decision,
    office365_product_of,
)
from incidents.models import Channel, Incident, RoutedTeam, Topic, Tree
from incidents.services import IncidentDraft, SubmissionError, submit_incident
from partners.models import AzureSubscription

from .problems import ApiProblem

IDEMPOTENCY_NAMESPACE = uuid.UUID("6f1c7a52-3d7e-4c55-9a51-2f0d6b1e8c21")
API_TREES = (Tree.OFFICE365, Tree.AZURE)


def submission_key(user, header: str | None) -> uuid.UUID | None:
    """The incident's ``submission_key`` for an ``Idempotency-Key``: per user, never guessable
    across users (another user's same key gives another UUID)."""
    if header is None:
        return None
    header = header.strip()
    if not 1 <= len(header) <= 200:
        raise ApiProblem(400, _("The Idempotency-Key header must have 1 to 200 characters."))
    return uuid.uuid5(IDEMPOTENCY_NAMESPACE, f"{user.pk}:{header}")


def field_problem(field: str, message: str) -> ApiProblem:
    return ApiProblem(422, message, errors=[{"field": field, "detail": str(message)}])


def clean_contact(contact, *, region=None) -> tuple[str, str, str]:
    """(name, e-mail, phone in international format), with the forms' own messages."""
    try:
        email = forms.EmailField().clean(contact.email)
    except ValidationError as exc:
        raise field_problem("primaryContact.email", " ".join(exc.messages)) from exc
    try:
        phone = PhoneNumberField(region=region).clean(contact.phone)
    except ValidationError as exc:
        raise field_problem("primaryContact.phone", " ".join(exc.messages)) from exc
    return contact.name.strip(), email, phone.as_international


def clean_time_zone(value: str | None, user) -> str:
    value = value or user.time_zone or "UTC"
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise field_problem("timeZone", _("Enter a valid value.")) from None
    return value


def clean_locale(value: str | None, user) -> str:
    value = (value or user.language or settings.LANGUAGE_CODE).split("-")[0].lower()
    if value not in dict(settings.LANGUAGES):
        raise field_problem(
            "locale", _("Select a valid choice. That choice is not one of the available choices.")
        )
    return value


def selectable_topic(topic_id: int) -> Topic:
    """An active leaf of the Office 365 or Azure tree whose whole path is active."""
    topic = Topic.objects.filter(pk=topic_id, tree__in=API_TREES, is_active=True).first()
    path = topic.path() if topic else []
    if (
        topic is None
        or not all(node.is_active for node in path)
        or topic.children.filter(is_active=True).exists()
    ):
        raise field_problem(
            "supportTopicId",
            _("Choose a support topic from GET /api/v1/supportTopics with canCreate set to true."),
        )
    return topic


def create_service_request(user, payload, *, key: uuid.UUID | None) -> Incident:
    topic = selectable_topic(payload.supportTopicId)
    region = user.partner.country.code or None
    name, email, phone = clean_contact(payload.primaryContact, region=region)
    common = {
        "user": user,
        "title": payload.title.strip(),
        "description": payload.description,
        "error_message": payload.errorMessage,
        "severity": payload.severity,
        "is_24x7": payload.is24x7,
        "contact_name": name,
        "contact_email": email,
        "contact_phone": phone,
        "support_language": clean_locale(payload.locale, user),
        "time_zone": clean_time_zone(payload.timeZone, user),
        "topic": topic,
        "submission_key": key,
    }
    try:
        if topic.tree == Tree.OFFICE365:
            return _office365(user, topic, payload, common)
        return _azure(user, topic, payload, common)
    except SubmissionError as exc:
        raise ApiProblem(422, str(exc)) from exc
    except OSError as exc:
        raise ApiProblem(
            503, _("Your files could not be stored. Nothing was submitted; try again.")
        ) from exc


_SUPPORTING_FIELDS = {
    "tenant_domain": "supportingInfo.tenantDomain",
    "users_affected": "supportingInfo.usersAffected",
    "started_at": "supportingInfo.startedAt",
    "what_tried": "supportingInfo.whatTried",
}


def office365_facts(payload, *, time_zone: str, email: str) -> dict:
    """The wizard's "supporting information", validated by its own form (same messages)."""
    info = payload.supportingInfo
    zone = zoneinfo.ZoneInfo(time_zone)
    data = {
        "severity": payload.severity,
        "contact_email": email,
        "tenant_domain": info.tenantDomain if info else "",
        "users_affected": info.usersAffected if info else "",
        # The form reads wall-clock time in the contact's time zone, as a browser sends it.
        "started_at": (
            timezone.localtime(info.startedAt, zone).strftime(DATETIME_LOCAL_FORMAT)
            if info and timezone.is_aware(info.startedAt)
            else (info.startedAt.strftime(DATETIME_LOCAL_FORMAT) if info else "")
        ),
        "what_tried": info.whatTried if info else "",
    }
    form = SupportingInfoForm(data, time_zone=time_zone)
    if not form.is_valid():
        errors = [
            {"field": _SUPPORTING_FIELDS.get(name, name), "detail": str(message)}
            for name, messages in form.errors.items()
            if name in _SUPPORTING_FIELDS
            for message in messages
        ]
        if errors:
            raise ApiProblem(422, errors[0]["detail"], errors=errors)
    return form.facts()


def _office365(user, topic, payload, common) -> Incident:
    """As the Office 365 wizard's last step: no contract unit is taken."""
    path = topic.path()
    route, reject_reason = office365_decision(user, topic)
    facts = office365_facts(payload, time_zone=common["time_zone"], email=common["contact_email"])
    return submit_incident(
        IncidentDraft(
            channel=Channel.OFFICE365,
            product=office365_product_of(path[0]),
            facts={**facts, "submitted_through": "api"},
            route_to=route,
            reject_reason=reject_reason,
            break_fix=all(node.is_break_fix for node in path),
            **common,
        )
    )


_AZURE_STEP_FIELDS = {
    "details": "azureSubscriptionId",
    "contract": "contractId",
    "options": "supportOption",
}


def _azure(user, topic, payload, common) -> Incident:
    """As the Azure wizard's last step (incidents/wizards/azure.py ``done``)."""
    option = payload.supportOption
    route = azure_route(option, topic)
    root = topic.path()[0]
    product = (root.product if root.product_id else None) or azure_product()
    contract = (
        _azure_contract(user, payload.contractId) if payload.contractId and not route else None
    )
    decision = azure_decision(
        user,
        option=option,
        route=route,
        contract=contract,
        prerequisites=azure_prerequisites(user),
    )
    if decision.refusal:
        raise field_problem(_AZURE_STEP_FIELDS[decision.step], decision.refusal)
    if contract is not None and product is not None:
        reason = contract.unavailable_reason(product)
        if reason:
            raise field_problem("contractId", reason)
    subscription = _subscription(user, payload.azureSubscriptionId)
    role = subscription.roles.filter(user=user).values_list("role", flat=True).first()
    return submit_incident(
        IncidentDraft(
            channel=Channel.AZURE,
            product=product,
            customer=subscription.owner_customer,
            subscription=subscription,
            support_plan=(
                contract.get_kind_display()
                if contract is not None
                else str(RoutedTeam(route).label if route else "")
            ),
            facts={
                "support_option": option,
                "subscription_id": str(subscription.subscription_id),
                "subscription_role": role or "",
                "started_at": timezone.now().isoformat(),
                "submitted_through": "api",
            },
            contract=contract,
            route_to=route,
            reject_reason=decision.reject_reason,
            break_fix=topic.is_break_fix,
            **common,
        )
    )


def _azure_contract(user, contract_id) -> Contract:
    """The contract named by the request: registered to the user, for Signature Cloud."""
    contract = Contract.objects.registered_to(user).filter(contract_id=contract_id).first()
    if contract is None:
        raise field_problem(
            "contractId",
            _("The contract %(contract)s is not registered to your account.")
            % {"contract": contract_id},
        )
    refusal = azure_contract_kind_refusal(contract)
    if refusal:
        raise field_problem("contractId", refusal)
    return contract


def _subscription(user, subscription_id) -> AzureSubscription:
    subscription = (
        AzureSubscription.objects.administered_by(user)
        .filter(is_active=True, subscription_id=subscription_id)
        .select_related("owner_customer")
        .first()
        if subscription_id
        else None
    )
    if subscription is None:
        raise field_problem(
            "azureSubscriptionId",
            _(
                "Give the ID of an active Azure subscription on which you are service "
                "administrator or co-administrator."
            ),
        )
    return subscription
