"""Manage support requests (SPEC §5): a partner user's requests, and attachment downloads.

Everything starts from ``Incident.objects.visible_to(user)``: the list, the detail
page, every POST and the attachment download, so nobody can list what they
cannot open, nor open what they cannot list. Outsiders get 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from incidents import detail, workflow
from incidents.forms.followup import AddContactForm, AttachmentForm, MessageForm
from incidents.models import (
    OPEN_STATUSES,
    Attachment,
    Incident,
)

PAGE_SIZE = 20
STATUS_FILTERS = {"open", "closed", "all"}


def _partner_incidents(user):
    """The requests a partner user follows: exactly ``visible_to`` for partner users.

    Engineers and staff work from the queue instead; here they would see every
    partner's requests, which is not what this page is for.
    """
    if not user.partner_id:
        raise Http404
    return Incident.objects.visible_to(user)


@require_GET
@login_required
def manage_list(request):
    """The requests where the user is the primary or an additional contact."""
    if not request.user.partner_id and request.user.is_support_engineer:
        return redirect("incidents:queue")
    status = request.GET.get("status", "open")
    if status not in STATUS_FILTERS:
        status = "open"
    incidents = _partner_incidents(request.user).select_related("product")
    if status == "open":
        incidents = incidents.filter(status__in=OPEN_STATUSES)
    elif status == "closed":
        incidents = incidents.exclude(status__in=OPEN_STATUSES)
    incidents = incidents.order_by("-updated_at", "-pk")
    page = Paginator(incidents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "incidents/manage/list.html",
        {"page": page, "status": status, "status_filters": _status_filters()},
    )


def _status_filters():
    return [("open", _("Open")), ("closed", _("Closed")), ("all", _("All"))]


# What the detail page shows of the incident's related objects (in cached fragments).
DETAIL_RELATED = ("contract", "owner", "subscription")


def _get_incident(request, number) -> Incident:
    return get_object_or_404(
        # The details are shown: read with the incident; the product, version and topic
        # without joins (incidents/detail.py).
        detail.with_version_name(_partner_incidents(request.user).select_related(*DETAIL_RELATED)),
        number=number,
    )


def _render_detail(request, incident, *, status=200, **forms):
    """The detail page; partners see partner-visible messages and history only."""
    context = {
        "incident": incident,
        # The related objects, for the cached fragments: read only when one is missing.
        "full_incident": detail.lazy(detail.with_related, incident, DETAIL_RELATED),
        **detail.catalogue_labels(incident),
        # Plain rows (incidents/detail.py): no model instance per message or file. The
        # thread, the history and the files are read only when their cached fragment is missing;
        # the key is a partner's, never an engineer's (internal notes).
        "messages_thread": detail.lazy(detail.thread, incident, with_internal=False),
        "history": detail.lazy(detail.history, incident, with_internal=False),
        "fragment_key": detail.fragment_key(incident, with_internal=False),
        "fragment_ttl": detail.FRAGMENT_TTL,
        "attachments": detail.lazy(detail.attachments, incident),
        "contacts": detail.lazy(detail.contacts, incident),
        "message_form": forms.get("message_form") or MessageForm(label=_("Your message")),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
        "contact_form": forms.get("contact_form") or AddContactForm(incident=incident),
        "can_write": incident.status not in _FINAL,
    }
    return render(request, "incidents/manage/detail.html", context, status=status)


_FINAL = {"closed", "rejected", "routed"}


@require_GET
@login_required
def manage_detail(request, number):
    if not request.user.partner_id and request.user.is_support_engineer:
        return redirect("incidents:queue_detail", number=number)
    # Without joins: what the page shows of the related objects is in cached fragments.
    return _render_detail(request, detail.page_incident(_partner_incidents(request.user), number))


def _back(incident, anchor=""):
    return redirect(reverse("incidents:manage_detail", args=[incident.number]) + anchor)


@require_POST
@login_required
def manage_message(request, number):
    """The partner writes to the engineer."""
    incident = _get_incident(request, number)
    form = MessageForm(request.POST, label=_("Your message"))
    if not form.is_valid():
        return _render_detail(request, incident, status=400, message_form=form)
    try:
        workflow.partner_message(incident, author=request.user, body=form.cleaned_data["body"])
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your message was sent."))
    return _back(incident, "#communications")


@require_POST
@login_required
def manage_attach(request, number):
    incident = _get_incident(request, number)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, incident, status=400, attachment_form=form)
    try:
        saved = workflow.add_attachments(
            incident, files=form.cleaned_data["files"], actor=request.user
        )
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Attached: %(names)s.") % {"names": ", ".join(a.original_name for a in saved)},
        )
    return _back(incident, "#attachments")


@require_POST
@login_required
def manage_add_contact(request, number):
    """Share the request with a colleague of the same partner."""
    incident = _get_incident(request, number)
    form = AddContactForm(request.POST, incident=incident)
    if not form.is_valid():
        return _render_detail(request, incident, status=400, contact_form=form)
    user = form.cleaned_data["user"]
    try:
        workflow.add_contact(incident, user=user, actor=request.user)
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(name)s can now follow this request.")
            % {"name": user.get_full_name() or user.username},
        )
    return _back(incident, "#contacts")


@require_GET
@login_required
def attachment(request, pk):
    """Download one attachment, only for someone who may open its incident.

    Always a download (never rendered inline), never from a public media URL.
    """
    item = get_object_or_404(
        Attachment.objects.filter(incident__in=Incident.objects.visible_to(request.user)),
        pk=pk,
    )
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=item.original_name,
        content_type=item.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


urlpatterns = [
    path("manage/", manage_list, name="manage_list"),
    path("manage/<str:number>/", manage_detail, name="manage_detail"),
    path("manage/<str:number>/message/", manage_message, name="manage_message"),
    path("manage/<str:number>/attachments/", manage_attach, name="manage_attach"),
    path("manage/<str:number>/contacts/", manage_add_contact, name="manage_add_contact"),
    path("attachments/<int:pk>/", attachment, name="attachment"),
]
