"""Model → API shape. Read-only helpers: no queries beyond the related rows asked for."""

from __future__ import annotations

from django.urls import reverse

from incidents.models import Incident, Status

_STATE = {
    Status.SUBMITTED: "open",
    Status.IN_PROGRESS: "open",
    Status.WAITING: "attentionNeeded",
}


def api_status(status: str) -> str:
    """Partner Center's three states: open, attentionNeeded (waiting for the partner), closed."""
    return _STATE.get(status, "closed")


def service_request(incident: Incident) -> dict:
    return {
        "number": incident.number,
        "title": incident.title,
        "description": incident.description,
        "severity": incident.severity,
        "is24x7": incident.is_24x7,
        "status": api_status(incident.status),
        "portalStatus": incident.status,
        "portalStatusLabel": str(incident.get_status_display()),
        "statusReason": incident.status_reason,
        "routedTo": incident.routed_to or None,
        "channel": incident.channel,
        "supportTopicId": incident.topic_id,
        "productName": incident.product.label if incident.product_id else None,
        "customerId": incident.customer_id,
        "contractId": incident.contract.contract_id if incident.contract_id else None,
        "unitConsumed": incident.unit_consumed,
        "primaryContact": {
            "name": incident.contact_name,
            "email": incident.contact_email,
            "phone": incident.contact_phone,
        },
        "locale": incident.support_language,
        "createdAt": incident.created_at,
        "updatedAt": incident.updated_at,
        "responseDueAt": incident.response_due_at,
        "portalUrl": reverse("incidents:manage_detail", args=[incident.number]),
    }


def service_request_detail(incident: Incident) -> dict:
    notes = incident.messages.filter(is_internal=False).select_related("author")
    return {
        **service_request(incident),
        "notes": [
            {
                "author": m.author.get_full_name() or m.author.get_username(),
                "body": m.body,
                "createdAt": m.created_at,
            }
            for m in notes
        ],
        "attachments": [attachment(a, incident.number) for a in incident.attachments.all()],
    }


def attachment(item, number: str) -> dict:
    return {
        "id": item.pk,
        "fileName": item.original_name,
        "contentType": item.content_type,
        "size": item.size,
        "createdAt": item.created_at,
        "downloadUrl": reverse(
            "api-v1:download_attachment",
            kwargs={"number": number, "attachment_id": item.pk},
        ),
    }
