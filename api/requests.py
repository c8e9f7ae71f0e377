"""/serviceRequests: list, get, create, update (note / close) and attachments."""

from __future__ import annotations

import base64
import binascii

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Header, Query, Router, Schema
from ninja import Status as Reply
from ninja.files import UploadedFile

from incidents import workflow
from incidents.models import OPEN_STATUSES, Attachment, Incident, Status
from portal.lib.uploads import AttachmentsField

from . import present
from .intake import create_service_request, submission_key
from .problems import ApiProblem
from .schemas import (
    AttachmentOut,
    Problem,
    ServiceRequestDetail,
    ServiceRequestIn,
    ServiceRequestPage,
    ServiceRequestPatch,
)

router = Router(tags=["Service requests"])

READ_ERRORS = {401: Problem, 429: Problem}
OBJECT_ERRORS = {**READ_ERRORS, 404: Problem}
WRITE_ERRORS = {**OBJECT_ERRORS, 400: Problem, 403: Problem, 409: Problem, 422: Problem}
PAGE_MAX = 100
_FILTERS = {
    "open": {"status__in": [Status.SUBMITTED, Status.IN_PROGRESS]},
    "attentionNeeded": {"status": Status.WAITING},
}


class ListFilters(Schema):
    status: str | None = None  # open | attentionNeeded | closed
    limit: int = 20
    cursor: str | None = None


def visible(request):
    """The one access rule (``Incident.objects.visible_to``), for a partner's token."""
    return Incident.objects.visible_to(request.user)


def decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        value = int(base64.urlsafe_b64decode(cursor.encode() + b"==").decode())
    except (ValueError, UnicodeError, binascii.Error):
        value = 0
    if not 0 < value < 2**63:
        raise ApiProblem(400, _("The cursor is not valid; start again without it."))
    return value


def encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(str(pk).encode()).decode().rstrip("=")


def page_of(queryset, filters: ListFilters) -> dict:
    """Newest first, ``limit`` at a time; ``nextCursor`` continues after the last one."""
    if filters.status not in (None, "", "open", "attentionNeeded", "closed"):
        raise ApiProblem(
            400,
            _("Filter status by open, attentionNeeded or closed."),
        )
    if not 1 <= filters.limit <= PAGE_MAX:
        raise ApiProblem(400, _("limit must be between 1 and %(max)d.") % {"max": PAGE_MAX})
    if filters.status == "closed":
        queryset = queryset.exclude(status__in=OPEN_STATUSES)
    elif filters.status:
        queryset = queryset.filter(**_FILTERS[filters.status])
    after = decode_cursor(filters.cursor)
    if after is not None:
        queryset = queryset.filter(pk__lt=after)
    rows = list(queryset.select_related("product", "contract").order_by("-pk")[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return {
        "items": [present.service_request(i) for i in rows],
        "nextCursor": encode_cursor(rows[-1].pk) if more else None,
    }


def get_incident(request, number: str) -> Incident:
    return get_object_or_404(visible(request).select_related("product", "contract"), number=number)


@router.get("/serviceRequests", response={200: ServiceRequestPage, 400: Problem, **READ_ERRORS})
def list_service_requests(request, filters: Query[ListFilters]):
    """The service requests you follow (as in Manage support requests), newest first."""
    return page_of(visible(request), filters)


@router.post(
    "/serviceRequests",
    response={201: ServiceRequestDetail, 200: ServiceRequestDetail, **WRITE_ERRORS},
)
def create(request, payload: ServiceRequestIn, idempotency_key: str = Header(None)):
    """Create a service request, by the same rules as the Office 365 and Azure wizards.

    The support topic decides the wizard: an Office 365 topic takes no contract unit;
    an Azure topic needs ``azureSubscriptionId`` and, unless it is routed, ``contractId``
    (a Signature Cloud Support contract registered to you), which gives one unit.
    Send ``Idempotency-Key`` to make a retry return the first request (200).
    """
    key = submission_key(request.user, idempotency_key)
    if key is not None:
        existing = visible(request).filter(submission_key=key).first()
        if existing is not None:
            return Reply(200, present.service_request_detail(existing))
    incident = create_service_request(request.user, payload, key=key)
    return Reply(201, present.service_request_detail(incident))


@router.get("/serviceRequests/{number}", response={200: ServiceRequestDetail, **OBJECT_ERRORS})
def get_service_request(request, number: str):
    return present.service_request_detail(get_incident(request, number))


@router.patch("/serviceRequests/{number}", response={200: ServiceRequestDetail, **WRITE_ERRORS})
def update_service_request(request, number: str, payload: ServiceRequestPatch):
    """Add a note for the engineer (``newNote``) and/or close the request (``status``)."""
    incident = get_incident(request, number)
    if payload.newNote is None and payload.status is None:
        raise ApiProblem(422, _("Send newNote, status or both."))
    try:
        with transaction.atomic():
            if payload.newNote is not None:
                if not payload.newNote.strip():
                    raise ApiProblem(422, _("This field is required."))
                workflow.partner_message(incident, author=request.user, body=payload.newNote)
            if payload.status == "closed":
                workflow.close_by_partner(incident, actor=request.user)
    except workflow.WorkflowError as exc:
        raise ApiProblem(409, str(exc)) from exc
    return present.service_request_detail(get_incident(request, number))


@router.post(
    "/serviceRequests/{number}/attachments",
    response={201: list[AttachmentOut], **WRITE_ERRORS},
)
def upload_attachments(request, number: str, files: File[list[UploadedFile]]):
    """Attach files, with the checks of the wizards (type, size, content, count)."""
    incident = get_incident(request, number)
    try:
        cleaned = AttachmentsField(required=True).clean(files)
    except ValidationError as exc:  # the wizards' messages
        messages = exc.messages
        raise ApiProblem(
            422, " ".join(messages), errors=[{"field": "files", "detail": m} for m in messages]
        ) from exc
    try:
        saved = workflow.add_attachments(incident, files=cleaned, actor=request.user)
    except workflow.WorkflowError as exc:
        raise ApiProblem(409, str(exc)) from exc
    return Reply(201, [present.attachment(a, incident.number) for a in saved])


@router.get(
    "/serviceRequests/{number}/attachments/{attachment_id}",
    response=OBJECT_ERRORS,
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file, always as a download.",
                "content": {"application/octet-stream": {"schema": {"type": "string"}}},
            }
        }
    },
    url_name="download_attachment",
)
def download_attachment(request, number: str, attachment_id: int):
    """The portal's download rule: only for someone who may open the request."""
    item = get_object_or_404(
        Attachment.objects.filter(incident__in=visible(request), incident__number=number),
        pk=attachment_id if 0 < attachment_id < 2**63 else 0,
    )
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise ApiProblem(404, _("No such object, or you may not see it.")) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=item.original_name,
        content_type=item.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
