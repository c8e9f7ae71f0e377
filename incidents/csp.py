"""Service requests on behalf of a CSP partner's customer: the rules (SPEC §4.4, seeds 001/004)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from contracts.models import Platform, Product
from incidents.models import Channel, Incident, MarketplaceProduct
from incidents.services import IncidentDraft, submit_incident
from partners.models import (
    AzureSubscription,
    Customer,
    CustomerPartner,
    CustomerRelationship,
    Partner,
)

# What the support plan field says for an Azure request raised through CSP (seed 001).
CSP_SUPPORT_PLAN = "Cloud Solution Provider"

# The cloud services a CSP partner may raise a request for, with the product created if missing.
CSP_SERVICES = {
    Platform.AZURE: ("microsoft-azure", "Microsoft Azure"),
    Platform.OFFICE365: ("office-365", "Office 365"),
    Platform.DYNAMICS: ("dynamics-crm-online", "Dynamics CRM Online"),
    Platform.EMS: ("enterprise-mobility-suite", "Enterprise Mobility Suite"),
}


class RequestType(models.TextChoices):
    TECHNICAL = "technical", _lazy("Technical problem")
    NON_TECHNICAL = "non_technical", _lazy("Non-technical: billing or subscription management")


class CspRefusal(Exception):
    """The request may not be raised through CSP; the message says why and what to do."""


def csp_product(platform: str) -> Product:
    """The catalogue product of a CSP service, created when staff have not added it yet."""
    product = Product.objects.filter(platform=platform, is_active=True).order_by("pk").first()
    if product is not None:
        return product
    slug, name = CSP_SERVICES[platform]
    product, _created = Product.objects.get_or_create(
        slug=slug, defaults={"name": name, "platform": platform}
    )
    return product


def role_refusal(partner: Partner | None) -> str | None:
    """Why this partner may not raise CSP requests at all; None when it may."""
    if partner is None:
        return _(
            "Service requests on behalf of a customer are raised by the users of a CSP "
            "partner. Your account is not linked to a partner."
        )
    if not partner.is_csp:
        return _(
            "%(partner)s has no Cloud Solution Provider role (advisor, indirect reseller, "
            "direct CSP provider or indirect provider), so it cannot raise service requests "
            "on behalf of customers. Use the Office 365, Azure or Support for Business "
            "request instead."
        ) % {"partner": partner.name}
    return None


def customer_links(partner: Partner):
    return (
        CustomerPartner.objects.filter(partner=partner)
        .select_related("customer")
        .order_by("customer__name", "pk")
    )


def subscription_provider(customer: Customer, subscription: AzureSubscription | None = None):
    """The partner that provides the customer's subscription (direct CSP or indirect provider)."""
    if subscription is not None and subscription.provider_id:
        return subscription.provider
    link = (
        CustomerPartner.objects.filter(
            customer=customer, relationship=CustomerRelationship.PROVIDER
        )
        .select_related("partner")
        .order_by("pk")
        .first()
    )
    return link.partner if link else None


def providers_of(customer: Customer) -> list[Partner]:
    """Every partner that provides one of the customer's Azure subscriptions."""
    providers = {
        s.provider.pk: s.provider
        for s in customer.subscriptions.filter(is_active=True, provider__isnull=False)
        .select_related("provider")
        .order_by("pk")
    }
    fallback = subscription_provider(customer)
    if fallback is not None:
        providers.setdefault(fallback.pk, fallback)
    return sorted(providers.values(), key=lambda p: p.name)


def who_may_open_non_technical(customer: Customer) -> str:
    """The sentence the form shows: who may open non-technical Azure requests for the customer."""
    names = ", ".join(p.name for p in providers_of(customer))
    if not names:
        return _(
            "Only the provider of the customer's Azure subscription (the direct CSP or "
            "indirect provider) may open a non-technical Azure request; indirect resellers "
            "and advisors may not."
        )
    return _(
        "Only the provider of the customer's Azure subscription, %(names)s, may open a "
        "non-technical (billing or subscription) Azure request; indirect resellers and "
        "advisors may not, even with a support contract."
    ) % {"names": names}


def non_technical_azure_refusal(
    partner: Partner, customer: Customer, subscription: AzureSubscription | None
) -> str | None:
    """Indirect resellers and advisors may not open non-technical Azure requests (seed 001)."""
    provider = subscription_provider(customer, subscription)
    if provider is not None and provider.pk == partner.pk:
        return None
    if provider is None:
        return _(
            "Only the subscription's provider (direct CSP or indirect provider) may open a "
            "non-technical Azure request for this customer, and none is recorded."
        )
    return _(
        "Only the subscription's provider, %(provider)s, may open a non-technical (billing or "
        "subscription) Azure request for %(customer)s. Ask %(provider)s to open it, or open "
        "a technical request."
    ) % {"provider": provider.name, "customer": customer.name}


def customer_address_refusal(customer: Customer, email: str) -> str | None:
    """The contact is the partner, never the customer (seed 001): refuse the tenant's domain."""
    domain = email.rsplit("@", 1)[-1].lower()
    tenant = customer.tenant_domain.lower()
    if domain == tenant or domain.endswith("." + tenant):
        return _(
            "%(email)s is an address of the customer. Enter your own contact details "
            "(the partner's), not the customer's."
        ) % {"email": email}
    return None


def own_tenant_refusal() -> str:
    return _(
        "CSP support does not cover your own partner tenant or subscriptions. Use another "
        "support plan: your Partner Network contract ID (Signature Cloud Support or Product "
        "Support incidents), Premier, or an Azure support plan."
    )


def check_csp_request(partner, customer, platform, request_type, subscription) -> None:
    """Raise :class:`CspRefusal` unless ``partner`` may raise this request for ``customer``."""
    refusal = role_refusal(partner)
    if refusal:
        raise CspRefusal(refusal)
    if platform not in CSP_SERVICES:
        raise CspRefusal(_("Choose Azure, Office 365, Dynamics CRM Online or EMS."))
    if not CustomerPartner.objects.filter(partner=partner, customer=customer).exists():
        raise CspRefusal(_("%(customer)s is not your customer.") % {"customer": customer.name})
    if subscription is not None:
        if subscription.owner_partner_id == partner.pk:
            raise CspRefusal(own_tenant_refusal())
        if subscription.owner_customer_id != customer.pk:
            raise CspRefusal(_("The subscription does not belong to this customer."))
    if platform == Platform.AZURE and request_type == RequestType.NON_TECHNICAL:
        refusal = non_technical_azure_refusal(partner, customer, subscription)
        if refusal:
            raise CspRefusal(refusal)


def submit_csp_request(
    *,
    user,
    customer: Customer,
    platform: str,
    request_type: str,
    title: str,
    description: str,
    severity: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    time_zone: str = "UTC",
    is_24x7: bool = False,
    subscription: AzureSubscription | None = None,
    submission_key: uuid.UUID | None = None,
) -> Incident:
    """Raise a service request for ``customer``, checking every CSP rule again.

    The contact details are the partner's; the incident is the partner's, with the
    customer (and for Azure the subscription) recorded. No contract unit is used.
    """
    if platform != Platform.AZURE:
        subscription = None
    check_csp_request(user.partner, customer, platform, request_type, subscription)
    draft = IncidentDraft(
        user=user,
        channel=Channel.CSP,
        title=title,
        description=description,
        severity=severity,
        is_24x7=is_24x7,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        time_zone=time_zone,
        product=csp_product(platform),
        customer=customer,
        subscription=subscription,
        support_plan=CSP_SUPPORT_PLAN if platform == Platform.AZURE else "",
        facts={"request_type": request_type, "customer_tenant": customer.tenant_domain},
        primary_contact=user,
        submission_key=submission_key,
        # Billing and subscription questions are not break/fix: up to one business day.
        break_fix=request_type == RequestType.TECHNICAL,
    )
    return submit_incident(draft)


MARKETPLACE_PREFIX = "mp-"


def service_choices() -> list[tuple[str, str]]:
    return [(platform, str(Platform(platform).label)) for platform in CSP_SERVICES]


def parse_service(value: str | None):
    """(platform, None) for a CSP service, (None, product) for a marketplace product."""
    if value in CSP_SERVICES:
        return value, None
    if value and value.startswith(MARKETPLACE_PREFIX):
        try:
            pk = int(value[len(MARKETPLACE_PREFIX) :])
        except ValueError:
            return None, None
        return None, MarketplaceProduct.objects.filter(pk=pk).first()
    return None, None
