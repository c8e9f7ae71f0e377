"""The JSON shapes of API v1, in the camelCase partners know from Partner Center."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Field, Schema

Severity = Literal["A", "B", "C"]


class FieldProblem(Schema):
    field: str
    detail: str


class Problem(Schema):
    """RFC 9457 problem details (``application/problem+json``)."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] | None = None


class SupportTopic(Schema):
    id: int
    name: str
    path: list[str]
    tree: str
    parentId: int | None
    productId: int | None
    productName: str | None
    isLeaf: bool
    routedTo: str | None
    canCreate: bool


class ContractOut(Schema):
    contractId: str
    name: str
    kind: str
    kindLabel: str
    activated: bool
    endsOn: dt.date | None
    unitsGranted: int
    unitsUsed: int
    unitsRemaining: int
    remainingText: str


class Contact(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    email: str = Field(..., min_length=3, max_length=254)
    phone: str = Field(..., min_length=1, max_length=40)


class SupportingInfo(Schema):
    """Office 365 requests: what the wizard's "Add supporting information" step asks."""

    tenantDomain: str = Field(..., min_length=1, max_length=253)
    usersAffected: int = Field(..., ge=0, le=10_000_000)
    startedAt: dt.datetime
    whatTried: str = Field(..., min_length=1, max_length=20000)


class ServiceRequestIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field(..., min_length=1, max_length=20000)
    severity: Severity
    is24x7: bool = False
    supportTopicId: int = Field(..., ge=1, le=2**63 - 1)
    primaryContact: Contact
    locale: str | None = Field(None, max_length=8)
    timeZone: str | None = Field(None, max_length=64)
    contractId: str | None = Field(None, max_length=40)
    errorMessage: str = Field("", max_length=20000)
    azureSubscriptionId: uuid.UUID | None = None
    supportOption: Literal["professional", "billing"] = "professional"
    supportingInfo: SupportingInfo | None = None  # required for an Office 365 topic


class CustomerRequestIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field(..., min_length=1, max_length=20000)
    severity: Severity
    is24x7: bool = False
    service: Literal["azure", "office365", "dynamics", "ems"]
    requestType: Literal["technical", "non_technical"] = "technical"
    primaryContact: Contact
    timeZone: str | None = Field(None, max_length=64)
    azureSubscriptionId: uuid.UUID | None = None


class ServiceRequestPatch(Schema):
    newNote: str | None = Field(None, min_length=1, max_length=20000)
    status: Literal["closed"] | None = None


class ContactOut(Schema):
    name: str
    email: str
    phone: str


class ServiceRequestOut(Schema):
    number: str
    title: str
    description: str
    severity: str
    is24x7: bool
    status: Literal["open", "closed", "attentionNeeded"]
    portalStatus: str
    portalStatusLabel: str
    statusReason: str
    routedTo: str | None
    channel: str
    supportTopicId: int | None
    productName: str | None
    customerId: int | None
    contractId: str | None
    unitConsumed: bool
    primaryContact: ContactOut
    locale: str
    createdAt: dt.datetime
    updatedAt: dt.datetime
    responseDueAt: dt.datetime | None
    portalUrl: str


class NoteOut(Schema):
    author: str
    body: str
    createdAt: dt.datetime


class AttachmentOut(Schema):
    id: int
    fileName: str
    contentType: str
    size: int
    createdAt: dt.datetime
    downloadUrl: str


class ServiceRequestDetail(ServiceRequestOut):
    notes: list[NoteOut]
    attachments: list[AttachmentOut]


class ServiceRequestPage(Schema):
    items: list[ServiceRequestOut]
    nextCursor: str | None
