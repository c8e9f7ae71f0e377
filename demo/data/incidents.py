"""Sample incidents in several statuses, submitted through the real service."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.utils import timezone

from contracts.models import Contract, Platform, Product, ProductVersion
from incidents.models import HistoryEvent, Incident, Message, Topic, Tree
from incidents.services import IncidentDraft, submit_incident

from . import DEMO_NAMESPACE
from .incident_samples import SAMPLES


def load_incidents(products: dict[str, Product], people: dict, contracts: dict) -> None:
    """Submit every sample not submitted yet (found by its fixed submission key)."""
    resolved = [
        (key, resolve(fields, products, people, contracts), follow_up)
        for key, fields, follow_up in SAMPLES
    ]
    for key, fields, follow_up in resolved:
        submission_key = uuid.uuid5(DEMO_NAMESPACE, f"incident-{key}")
        if Incident.objects.filter(submission_key=submission_key).exists():
            continue
        with transaction.atomic():
            incident = submit_incident(IncidentDraft(submission_key=submission_key, **fields))
            advance(incident, people["engineer"], **follow_up)


def resolve(fields: dict, products, people, contracts: dict[str, Contract]) -> dict:
    """Turn a sample's names (user, product, topic path, ...) into the objects they name."""
    fields = dict(fields)
    user = people[fields["user"]]
    fields["user"] = user
    fields["product"] = products[fields["product"]]
    if "topic" in fields:
        fields["topic"] = leaf(*fields["topic"])
    if "product_version" in fields:
        fields["product_version"] = ProductVersion.objects.get(
            product=fields["product"], name=fields["product_version"]
        )
    if "contract" in fields:
        fields["contract"] = contracts[fields["contract"]]
    if "subscription" in fields:
        fields["subscription"] = people[fields["subscription"]]
    if "customer" in fields:
        fields["customer"], subscription = people["customers"][fields["customer"]]
        if fields["product"].platform == Platform.AZURE:  # only Azure has a subscription
            fields["subscription"] = subscription
    if fields.pop("rejected", False):
        fields["reject_reason"] = str(user.partner.eligibility_for("azure").reason)
    return {**fields, **contact_of(user)}


def leaf(tree: Tree, *names: str) -> Topic:
    node = None
    for name in names:
        node = Topic.objects.get(tree=tree, parent=node, name=name)
    return node


def contact_of(user) -> dict:
    return {
        "contact_name": user.get_full_name(),
        "contact_email": user.email,
        "contact_phone": str(user.phone or ""),
        "time_zone": user.time_zone,
    }


def advance(incident, engineer, *, status=None, reply="", answer="", overdue=False):
    """Move a fresh sample incident along, recording history as the workflow would."""
    now = timezone.now()
    if overdue:
        shift = dt.timedelta(hours=3)
        Incident.objects.filter(pk=incident.pk).update(
            created_at=incident.created_at - shift,
            response_due_at=incident.response_due_at - shift,
        )
        incident.history.update(created_at=incident.created_at - shift)
    if not status:
        return
    submitter = incident.submitted_by
    incident.owner = engineer
    event = HistoryEvent.objects.create
    event(
        incident=incident,
        actor=engineer,
        kind=HistoryEvent.Kind.ASSIGNED,
        detail=engineer.get_full_name(),
        is_internal=True,
    )
    if reply:
        Message.objects.create(incident=incident, author=engineer, body=reply, created_at=now)
        event(incident=incident, actor=engineer, kind=HistoryEvent.Kind.MESSAGE)
        event(incident=incident, actor=engineer, kind=HistoryEvent.Kind.FIRST_RESPONSE)
        incident.first_response_at = now
    if answer:
        Message.objects.create(
            incident=incident,
            author=submitter,
            body=answer,
            created_at=now + dt.timedelta(minutes=20),
        )
        event(incident=incident, actor=submitter, kind=HistoryEvent.Kind.MESSAGE)
    event(
        incident=incident,
        actor=engineer,
        kind=HistoryEvent.Kind.STATUS,
        from_status=incident.status,
        to_status=status,
    )
    incident.status = status
    incident.save(update_fields=["owner", "first_response_at", "status", "updated_at"])
