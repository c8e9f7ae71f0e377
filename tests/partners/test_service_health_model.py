"""A CSP customer's service health: open events first (the CSP customer page reads it)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from partners.models import Customer, ServiceHealthEvent

Status = ServiceHealthEvent.Status


def event(customer, title, *, status=Status.INCIDENT, days_ago=0, resolved=False):
    started = timezone.now() - dt.timedelta(days=days_ago)
    return ServiceHealthEvent.objects.create(
        customer=customer,
        service=ServiceHealthEvent.Service.AZURE,
        status=status,
        title=title,
        started_at=started,
        resolved_at=started + dt.timedelta(hours=1) if resolved else None,
    )


def test_open_events_come_first_then_newest_first(db):
    customer = Customer.objects.create(name="Woodgrove Bank", tenant_domain="woodgrove.example")
    other = Customer.objects.create(name="Litware", tenant_domain="litware.example")
    fixed = event(customer, "fixed yesterday", days_ago=1, resolved=True)
    marked = event(customer, "marked resolved", status=Status.RESOLVED)
    old_open = event(customer, "open for a week", days_ago=7)
    new_open = event(customer, "open since today")
    event(other, "someone else's")

    events = list(ServiceHealthEvent.objects.for_customer(customer))

    assert events == [new_open, old_open, marked, fixed]
    assert [e.is_open for e in events] == [1, 1, 0, 0]
