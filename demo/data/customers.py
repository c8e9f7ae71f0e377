"""CSP customers: their partners, Azure subscriptions and service health."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from partners.models import (
    AzureSubscription,
    Customer,
    CustomerPartner,
    CustomerRelationship,
    ServiceHealthEvent,
    SubscriptionRole,
    User,
)

from . import DEMO_NAMESPACE

CUSTOMERS = [
    ("wingtip", "Wingtip Toys", "wingtiptoys.onmicrosoft.com"),
    ("litware", "Litware, Inc.", "litware.onmicrosoft.com"),
    ("woodgrove", "Woodgrove Bank", "woodgrovebank.onmicrosoft.com"),
]


def load_customers(csp_user: User, provider_user: User) -> list[tuple]:
    """The reseller's customers as (customer, subscription), the first co-administered."""
    csp, provider = csp_user.partner, provider_user.partner
    customers = []
    for key, name, domain in CUSTOMERS:
        customer, _ = Customer.objects.update_or_create(
            tenant_domain=domain, defaults={"name": name}
        )
        CustomerPartner.objects.update_or_create(
            customer=customer,
            partner=csp,
            defaults={"relationship": CustomerRelationship.RESELLER},
        )
        CustomerPartner.objects.update_or_create(
            customer=customer,
            partner=provider,
            defaults={"relationship": CustomerRelationship.PROVIDER},
        )
        sub, _ = AzureSubscription.objects.update_or_create(
            subscription_id=uuid.uuid5(DEMO_NAMESPACE, f"subscription-{key}"),
            defaults={
                "name": f"{name} — Azure plan",
                "owner_customer": customer,
                "provider": provider,
            },
        )
        SubscriptionRole.objects.update_or_create(
            subscription=sub,
            user=provider_user,
            defaults={"role": SubscriptionRole.Role.CO_ADMIN},
        )
        customers.append((customer, sub))
    SubscriptionRole.objects.update_or_create(
        subscription=customers[0][1],
        user=csp_user,
        defaults={"role": SubscriptionRole.Role.CO_ADMIN},
    )
    load_service_health(customers)
    return customers


def service_health_events(customers) -> list[tuple]:
    now = timezone.now()
    (wingtip, _), (litware, _), (woodgrove, _) = customers
    Service, Status = ServiceHealthEvent.Service, ServiceHealthEvent.Status
    return [
        (
            wingtip,
            Service.AZURE,
            Status.DEGRADED,
            "Virtual Machines: intermittent connectivity in Korea Central",
            "Some customers may be unable to connect to virtual machines.",
            now - dt.timedelta(hours=3),
            None,
        ),
        (
            wingtip,
            Service.OFFICE365,
            Status.RESOLVED,
            "Exchange Online: delayed mail delivery",
            "Mail was delayed by up to 40 minutes; the queue has drained.",
            now - dt.timedelta(days=2),
            now - dt.timedelta(days=2) + dt.timedelta(hours=4),
        ),
        (
            litware,
            Service.OFFICE365,
            Status.ADVISORY,
            "SharePoint Online: planned maintenance this weekend",
            "Read-only mode for up to 30 minutes per site collection.",
            now - dt.timedelta(hours=20),
            None,
        ),
        (
            woodgrove,
            Service.EMS,
            Status.INCIDENT,
            "Intune: device enrolment failures",
            "New iOS enrolments fail with error 0x80180014.",
            now - dt.timedelta(minutes=50),
            None,
        ),
    ]


def load_service_health(customers) -> None:
    for customer, service, status, title, details, started, resolved in service_health_events(
        customers
    ):
        ServiceHealthEvent.objects.get_or_create(
            customer=customer,
            title=title,
            defaults={
                "service": service,
                "status": status,
                "details": details,
                "started_at": started,
                "resolved_at": resolved,
            },
        )
