"""One incident in the engineers' queue: the detail page and its workflow actions (SPEC §5)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from incidents import detail, workflow
from incidents.forms.followup import (
    AddContactForm,
    AssignForm,
    ContactChoiceForm,
    MessageForm,
    RejectForm,
    RouteForm,
    StatusForm,
)
from incidents.lookups import engineer_choices_digest
from incidents.models import Incident

from .engineer import DETAIL_RELATED, get_incident, require_engineer

# The reply box keeps Django's id_body; the internal note gets its own ids, so its label
# never puts the cursor in the reply to the partner.
NOTE_ID = "note_%s"


def _render_detail(request, incident, *, status=200, **forms):
    is_owner = incident.owner_id == request.user.pk
    context = {
        "incident": incident,
        # What the cached fragments show of the partner, the people, the contract, the
        # subscription and the version: read (one query) only when a fragment is missing.
        "full_incident": detail.lazy(detail.with_related, incident, DETAIL_RELATED),
        # Product name and topic path from the cached catalogue (incidents/lookups.py).
        **detail.catalogue_labels(incident),
        # Plain rows (incidents/detail.py): no model instance per message or file. The
        # thread, the history and the files are read only when their cached fragment is missing.
        "thread": detail.lazy(detail.thread, incident, with_internal=True),
        "history": detail.lazy(detail.history, incident, with_internal=True),
        "fragment_key": detail.fragment_key(incident, with_internal=True),
        "fragment_ttl": detail.FRAGMENT_TTL,
        "attachments": detail.lazy(detail.attachments, incident),
        # Drawn in a cached fragment too (per owner or not: the owner's has the buttons);
        # the buttons' forms, with their CSRF tokens, are outside it.
        "contacts": detail.lazy(detail.contacts, incident),
        "transitions": workflow.available_transitions(incident),
        "reply_form": forms.get("reply_form") or MessageForm(label=_("Reply to the partner")),
        "note_form": forms.get("note_form")
        or MessageForm(label=_("Internal note"), auto_id=NOTE_ID),
        **_assign_form(request, incident, forms.get("assign_form")),
        "reject_form": forms.get("reject_form") or RejectForm(prefix="reject"),
        "route_form": forms.get("route_form") or RouteForm(prefix="route"),
        # Only the owner sees the contact form: nobody else pays for building it.
        "contact_form": forms.get("contact_form")
        or (AddContactForm(incident=incident, allow_primary=True) if is_owner else None),
        "is_owner": is_owner,
    }
    return render(request, "incidents/queue/detail.html", context, status=status)


def _assign_form(request, incident, bound_form) -> dict:
    """The assign form; unbound, its HTML is cached under the engineer list's digest and
    the engineer it selects (the template adds the language), so it is built on a miss only."""
    if bound_form is not None:
        return {"assign_form": bound_form, "assign_key": None}
    selected = incident.owner_id or request.user.pk
    return {
        "assign_form": detail.lazy(AssignForm, initial={"engineer": selected}),
        "assign_key": f"{engineer_choices_digest()}:{selected}",
    }


@require_GET
@login_required
def queue_detail(request, number):
    # The same access rule as every engineer page (get_incident), without the joins.
    require_engineer(request, as_404=True)
    incident = detail.page_incident(Incident.objects.visible_to(request.user), number)
    return _render_detail(request, incident)


def _take(request, incident):
    workflow.take(incident, engineer=request.user)
    return _("You own this request now.")


def _assign(request, incident):
    form = AssignForm(request.POST)
    if not form.is_valid():
        return {"assign_form": form}
    engineer = form.cleaned_data["engineer"]
    workflow.assign(incident, engineer=engineer, actor=request.user)
    return _("Assigned to %(name)s.") % {"name": engineer.get_full_name() or engineer.username}


def _reply(request, incident):
    form = MessageForm(request.POST, label=_("Reply to the partner"))
    if not form.is_valid():
        return {"reply_form": form}
    workflow.reply(incident, engineer=request.user, body=form.cleaned_data["body"])
    return _("Your reply was sent to the contacts.")


def _note(request, incident):
    form = MessageForm(request.POST, label=_("Internal note"), auto_id=NOTE_ID)
    if not form.is_valid():
        return {"note_form": form}
    workflow.add_note(incident, engineer=request.user, body=form.cleaned_data["body"])
    return _("Internal note added.")


def _status(request, incident):
    form = StatusForm(request.POST)
    if not form.is_valid():
        raise workflow.WorkflowError(_("Unknown status change."))
    workflow.change_status(incident, transition=form.cleaned_data["transition"], actor=request.user)
    return _("Status changed to %(status)s.") % {"status": incident.get_status_display()}


def _reject(request, incident):
    form = RejectForm(request.POST, prefix="reject")
    if not form.is_valid():
        return {"reject_form": form}
    workflow.reject(incident, actor=request.user, reason=form.cleaned_data["reason"])
    return _("The request was rejected.")


def _route(request, incident):
    form = RouteForm(request.POST, prefix="route")
    if not form.is_valid():
        return {"route_form": form}
    workflow.route(
        incident,
        actor=request.user,
        team=form.cleaned_data["team"],
        reason=form.cleaned_data["reason"],
    )
    return _("The request was routed to %(team)s.") % {"team": incident.get_routed_to_display()}


def _require_owner(request, incident):
    if incident.owner_id != request.user.pk:
        raise workflow.WorkflowError(
            _("Only the engineer who owns a request can change its contacts. Take it first.")
        )


def _contact_add(request, incident):
    _require_owner(request, incident)
    form = AddContactForm(request.POST, incident=incident, allow_primary=True)
    if not form.is_valid():
        return {"contact_form": form}
    workflow.add_contact(
        incident,
        user=form.cleaned_data["user"],
        actor=request.user,
        primary=form.cleaned_data.get("primary", False),
    )
    return _("Contact added.")


def _contact_remove(request, incident):
    _require_owner(request, incident)
    form = ContactChoiceForm(request.POST, incident=incident)
    if not form.is_valid():
        raise workflow.WorkflowError(_("Choose one of the request's contacts."))
    workflow.remove_contact(incident, user=form.cleaned_data["user"], actor=request.user)
    return _("Contact removed.")


def _contact_primary(request, incident):
    _require_owner(request, incident)
    form = ContactChoiceForm(request.POST, incident=incident)
    if not form.is_valid():
        raise workflow.WorkflowError(_("Choose one of the request's contacts."))
    workflow.make_primary(incident, user=form.cleaned_data["user"], actor=request.user)
    return _("Primary contact changed.")


# Whitelisted actions: the URL names the handler, nothing else is dispatched.
ACTIONS = {
    "take": _take,
    "assign": _assign,
    "reply": _reply,
    "note": _note,
    "status": _status,
    "reject": _reject,
    "route": _route,
    "contact-add": _contact_add,
    "contact-remove": _contact_remove,
    "contact-primary": _contact_primary,
}


@require_POST
@login_required
def queue_action(request, number, action):
    """Run one named workflow action; a refused change comes back as a message."""
    handler = ACTIONS.get(action)
    incident = get_incident(request, number)
    if handler is None:
        raise Http404
    try:
        result = handler(request, incident)
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("incidents:queue_detail", number=incident.number)
    if isinstance(result, dict):  # an invalid form: show it again with its errors
        return _render_detail(request, incident, status=400, **result)
    messages.success(request, result)
    return redirect(reverse("incidents:queue_detail", args=[incident.number]))


urlpatterns = [
    path("queue/<str:number>/", queue_detail, name="queue_detail"),
    path("queue/<str:number>/<slug:action>/", queue_action, name="queue_action"),
]
