"""The support engineers' incident queue (SPEC §5).

Pagination is keyset ("seek") pagination on ``(response_due_at, id)``, which the
``incident_due_idx`` index serves in both directions: page 500 costs what page 1
costs, and every page runs the same queries whatever the number of rows.
Incidents without a due time (rejected or routed at submission) come after the
dated ones, as their own segment ordered by id.
"""

from __future__ import annotations

import datetime as dt
import html
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.forms.utils import flatatt
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from incidents import workflow
from incidents.forms.followup import (
    AddContactForm,
    AssignForm,
    ContactChoiceForm,
    MessageForm,
    QueueFilterForm,
    RejectForm,
    RouteForm,
    StatusForm,
)
from incidents.models import (
    OPEN_STATUSES,
    Attachment,
    HistoryEvent,
    Incident,
    IncidentContact,
    Message,
)

PAGE_SIZE = 25
TITLE_LENGTH = 80
DUE_SOON = dt.timedelta(hours=1)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


# --- access -------------------------------------------------------------------------


def _require_engineer(request, *, as_404: bool) -> None:
    if not request.user.is_support_engineer:
        # Pages about one object answer 404, so they do not confirm that it exists.
        if as_404:
            raise Http404
        raise PermissionDenied


def _get_incident(request, number, *, for_update=False) -> Incident:
    _require_engineer(request, as_404=True)
    related = (
        "partner",
        "product",
        "product_version",
        "topic",
        "contract",
        "owner",
        "submitted_by",
        "customer",
        "subscription",
    )
    return get_object_or_404(
        Incident.objects.visible_to(request.user).select_related(*related), number=number
    )


# --- keyset pagination ----------------------------------------------------------------


@dataclass
class QueuePage:
    rows: list[Incident]
    next_cursor: str | None
    previous_cursor: str | None
    is_first: bool


def encode_cursor(incident: Incident) -> str:
    if incident.response_due_at is None:
        return f"n{incident.pk}"
    micros = (incident.response_due_at - EPOCH) // dt.timedelta(microseconds=1)
    return f"{micros}_{incident.pk}"


def decode_cursor(value: str | None) -> tuple[dt.datetime | None, int] | None:
    """``(due, id)`` from a cursor, or None for the first page (also for any bad value)."""
    if not value:
        return None
    try:
        if value.startswith("n"):
            return None, int(value[1:])
        micros, pk = value.split("_", 1)
        return EPOCH + dt.timedelta(microseconds=int(micros)), int(pk)
    except (ValueError, OverflowError):
        return None


def queue_page(
    incidents: QuerySet,
    *,
    after: str | None = None,
    before: str | None = None,
    descending: bool = False,
    size: int = PAGE_SIZE,
    undated: bool = True,
) -> QueuePage:
    """One page of ``incidents`` in response-due order, after (or before) a cursor.

    The order is: incidents with a due time by ``(response_due_at, id)``, then those
    without one by id; ``descending`` reverses each. The same queries run on every
    page: the dated segment (an index range scan on ``(response_due_at, id)``) and,
    unless ``undated`` is False, the undated one (``response_due_at IS NULL``).
    Neither depends on how deep the page is. Pass ``undated=False`` when the filters
    imply a due time (open statuses, the overdue / due-soon filters): that saves
    scanning the rejected-at-submission rows.

    Each segment is one query: ``id IN (ids of the segment, in order, LIMIT size+1)``
    with the queryset's select_related. The subquery is an ordered index range scan with
    no joins (``incident_due_idx``, ``incident_open_due_idx`` for the open filters,
    ``incident_owner_due_idx``...), so a deep cursor costs what the first page costs;
    the outer query reads those rows by primary key and they are ordered here.
    """
    backwards = before is not None and after is None
    cursor = decode_cursor(before if backwards else after)
    key = Tuple(F("response_due_at"), F("id"))
    # Walking backwards is walking forwards in the opposite order, then flipping the rows.
    reverse = descending != backwards
    order = ("-response_due_at", "-id") if reverse else ("response_due_at", "id")
    # Both segments are ordered on the index's own columns: "response_due_at IS NULL"
    # is an equality for a b-tree, so the undated rows come out of it in id order too.
    dated = incidents.filter(response_due_at__isnull=False).order_by(*order)
    undated_rows = incidents.filter(response_due_at__isnull=True).order_by(*order)
    past = TupleLessThan if reverse else TupleGreaterThan
    if cursor is not None:
        due, pk = cursor
        if due is None:
            undated_rows = undated_rows.filter(**{"pk__lt" if reverse else "pk__gt": pk})
            if not backwards:
                # Past the dated segment: keep its query (same count on every page), empty.
                dated = dated.filter(pk__lt=0)
        else:
            dated = dated.filter(past(key, (due, pk)))
            if backwards:
                undated_rows = undated_rows.filter(pk__lt=0)

    def load(segment: QuerySet) -> list[Incident]:
        # Ids first: the page's ids come from an ordered index range scan with LIMIT and
        # no joins (with the joins of select_related, the planner misjudges how many rows
        # follow a deep cursor and joins them all before sorting). Then those rows only
        # are read with their related objects, in the same query, by primary key.
        ids = segment.values("pk")[: size + 1]
        rows = list(_by_pk(incidents, ids))
        if segment is undated_rows:
            rows.sort(key=lambda i: i.pk, reverse=reverse)
        else:
            rows.sort(key=lambda i: (i.response_due_at, i.pk), reverse=reverse)
        return rows

    def dated_part() -> list[Incident]:
        return load(dated)

    def undated_part() -> list[Incident]:
        return load(undated_rows) if undated else []

    rows = undated_part() + dated_part() if backwards else dated_part() + undated_part()
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
        has_next, has_previous = bool(rows), more
    else:
        has_next, has_previous = more, cursor is not None and bool(rows)
    return QueuePage(
        rows=rows,
        next_cursor=encode_cursor(rows[-1]) if has_next else None,
        previous_cursor=encode_cursor(rows[0]) if has_previous else None,
        is_first=not has_previous,
    )


def _by_pk(incidents: QuerySet, ids: QuerySet) -> QuerySet:
    """The incidents whose pk is in ``ids``, with ``incidents``' select_related, unordered."""
    rows = incidents.model._default_manager.filter(pk__in=ids).order_by()
    rows.query.select_related = incidents.query.select_related
    rows.query.deferred_loading = incidents.query.deferred_loading
    return rows


def implies_due_time(form: QueueFilterForm) -> bool:
    """Whether the filters only match incidents that have a response due time.

    Every incident that is submitted gets its due time from submit_incident, and
    no transition reopens a rejected or routed one, so open incidents are dated.
    """
    data = form.cleaned_data
    return bool(data.get("due")) or data.get("status") in {
        QueueFilterForm.OPEN,
        *OPEN_STATUSES,
    }


# What a queue row shows (see rows_html): the page reads nothing else, e.g. not the
# descriptions. Anything else a row needs must be added here.
ROW_FIELDS = (
    "number",
    "title",
    "status",
    "severity",
    "is_24x7",
    "response_due_at",
    "first_response_at",
    "partner__name",
    "partner__partner_number",
    "product__name",
    "product__name_hu",
    "product__name_cs",
    "product__name_ja",
    "product__name_ko",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
)


def filtered_queue(user, form: QueueFilterForm) -> QuerySet:
    """Apply the whitelisted filters of a valid :class:`QueueFilterForm`."""
    data = form.cleaned_data
    incidents = (
        Incident.objects.visible_to(user)
        .select_related("partner", "product", "owner")
        .only(*ROW_FIELDS)
    )
    if data.get("q"):
        incidents = incidents.filter(number=data["q"].strip().upper())
    status = data.get("status")
    if status == QueueFilterForm.OPEN:
        incidents = incidents.filter(status__in=OPEN_STATUSES)
    elif status:
        incidents = incidents.filter(status=status)
    if data.get("severity"):
        incidents = incidents.filter(severity=data["severity"])
    if data.get("product"):
        incidents = incidents.filter(product=data["product"])
    if data.get("partner"):
        incidents = incidents.filter(partner=data["partner"])
    owner = data.get("owner")
    if owner == "me":
        incidents = incidents.filter(owner=user)
    elif owner == "none":
        incidents = incidents.filter(owner__isnull=True)
    elif owner:
        incidents = incidents.filter(owner_id=int(owner))
    now = timezone.now()
    if data.get("due") == "overdue":
        incidents = incidents.awaiting_first_response().filter(response_due_at__lt=now)
    elif data.get("due") == "soon":
        incidents = incidents.awaiting_first_response().filter(
            response_due_at__gte=now, response_due_at__lt=now + DUE_SOON
        )
    return incidents


@require_GET
@login_required
def queue(request):
    """Open incidents by response due time, with filters; engineers only (others 403)."""
    _require_engineer(request, as_404=False)
    # With no parameters at all, show what needs work: the open incidents.
    data = request.GET if request.GET else QueryDict("status=open")
    form = QueueFilterForm(data)
    if form.is_valid():
        incidents = filtered_queue(request.user, form)
        descending = form.cleaned_data.get("sort") == "-due"
        undated = not implies_due_time(form)
    else:
        incidents, descending, undated = Incident.objects.none(), False, False
    # The open filters ("status IN open statuses") read incident_open_due_idx, the
    # partial index of open incidents, in order: no per-status split is needed.
    page = queue_page(
        incidents,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        descending=descending,
        undated=undated,
    )
    params = data.copy()
    params.pop("after", None)
    params.pop("before", None)
    now = timezone.now()
    return render(
        request,
        "incidents/queue/list.html",
        {
            "form": form,
            "filters": filter_controls(form),
            "page": page,
            "rows_html": rows_html(page.rows, now=now),
            "now": now,
            "soon": now + DUE_SOON,
            "first_url": f"?{params.urlencode()}",
            "next_url": _page_url(params, "after", page.next_cursor),
            "previous_url": _page_url(params, "before", page.previous_cursor),
        },
    )


# --- rendering -------------------------------------------------------------------------
# The queue is the busiest page: its rows and filter controls are built here once per
# request as plain strings (every value escaped), not by the template engine per cell
# nor by the form renderer per widget, which cost ten times the page's SQL.


@dataclass(frozen=True)
class FilterControl:
    id: str
    label: str
    html: str


def filter_controls(form: QueueFilterForm) -> list[FilterControl]:
    """Plain Bootstrap markup for each filter field, with its current value."""
    controls = []
    for bound in form:
        field = bound.field
        attrs = {**field.widget.attrs, "name": bound.html_name, "id": bound.auto_id}
        if bound.errors:
            attrs["aria-invalid"] = "true"
        value = bound.value()
        current = "" if value is None else str(value)
        if isinstance(field, forms.ChoiceField):
            options = "".join(
                f'<option value="{_esc(key)}"{" selected" if key == current else ""}>'
                f"{_esc(label)}</option>"
                for key, label in _choices(field)
            )
            markup = f"<select{flatatt(attrs)}>{options}</select>"
        else:
            if field.max_length:
                attrs["maxlength"] = str(field.max_length)
            attrs["value"] = current
            markup = f'<input type="text"{flatatt(attrs)}>'
        # Safe: flatatt escapes the attributes, _esc() every value and label.
        controls.append(FilterControl(bound.auto_id, str(bound.label), mark_safe(markup)))  # noqa: S308
    return controls


def _choices(field: forms.ChoiceField):
    for key, label in field.choices:
        # ModelChoiceField yields ModelChoiceIteratorValue keys.
        yield str(getattr(key, "value", key)), label


def _esc(value) -> str:
    """django.utils.html.escape without its lazy-argument wrapper (called ~500 times here)."""
    return html.escape(str(value))


def _labels(field_name: str) -> dict[str, str]:
    choices = Incident._meta.get_field(field_name).flatchoices
    return {key: _esc(label) for key, label in choices}


def rows_html(rows: list[Incident], *, now: dt.datetime) -> str:
    """The queue's table rows: links, labels and the overdue state computed once per row.

    Every value goes through _esc(); the fixed markup is ours.
    """
    if not rows:
        return ""
    marker = "0"
    detail = reverse("incidents:queue_detail", args=[marker])
    prefix, suffix = detail[: detail.rindex(marker)], detail[detail.rindex(marker) + 1 :]
    soon = now + DUE_SOON
    sent = f'<span class="text-success" title="{_esc(_("First response sent"))}">✓</span> '
    overdue = f' <span class="visually-hidden">{_esc(_("overdue"))}</span>'
    unassigned = f'<span class="text-muted">{_esc(_("unassigned"))}</span>'
    short_format = get_format("SHORT_DATETIME_FORMAT")
    # get_FOO_display() rebuilds a dict of lazy labels on every call: translate once.
    severities = _labels("severity")
    statuses = _labels("status")
    out = []
    for incident in rows:
        due = incident.response_due_at
        if due is None:
            due_html = "—"
        else:
            local = timezone.localtime(due)
            awaiting = incident.first_response_at is None and incident.is_open
            css = ""
            if awaiting and due < now:
                css = "due-overdue"
            elif awaiting and due < soon:
                css = "due-soon"
            due_html = (
                f'<time datetime="{local.isoformat()}" class="{css}">'
                f"{_esc(dateformat.format(local, short_format))}</time>"
                f"{overdue if css == 'due-overdue' else ''}"
            )
        if incident.first_response_at:
            due_html = sent + due_html
        partner, product, owner = incident.partner, incident.product, incident.owner
        severity = incident.severity
        owner_html = _esc(owner.get_full_name() or owner.username) if owner else unassigned
        title = unicodedata.normalize("NFC", incident.title)
        if len(title) > TITLE_LENGTH:
            title = Truncator(title).chars(TITLE_LENGTH)
        out.append(
            f"<tr><td>{due_html}</td>"
            f'<td><a href="{_esc(prefix + quote(incident.number) + suffix)}">'
            f"{_esc(incident.number)}</a></td>"
            f'<td class="text-break-all">{_esc(title)}</td>'
            f"<td>{_esc(partner.name)} "
            f'<span class="small text-muted">{_esc(partner.partner_number)}</span></td>'
            f"<td>{_esc(product.label) if product else '—'}</td>"
            f'<td><abbr title="{severities.get(severity) or _esc(severity)}">'
            f"{_esc(severity)}</abbr>{' · 24/7' if incident.is_24x7 else ''}</td>"
            f"<td>{statuses.get(incident.status) or _esc(incident.status)}</td>"
            f"<td>{owner_html}</td></tr>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above went through _esc()


def _page_url(params: QueryDict, name: str, cursor: str | None) -> str:
    if not cursor:
        return ""
    params = params.copy()
    params[name] = cursor
    return f"?{params.urlencode()}"


# --- detail and actions ----------------------------------------------------------------


def _render_detail(request, incident, *, status=200, **forms):
    context = {
        "incident": incident,
        "thread": Message.objects.filter(incident=incident)
        .select_related("author")
        .order_by("created_at", "pk"),
        "history": HistoryEvent.objects.filter(incident=incident)
        .select_related("actor")
        .order_by("created_at", "pk"),
        "attachments": Attachment.objects.filter(incident=incident).select_related("uploaded_by"),
        "contacts": IncidentContact.objects.filter(incident=incident).select_related("user"),
        "transitions": workflow.available_transitions(incident),
        "reply_form": forms.get("reply_form") or MessageForm(label=_("Reply to the partner")),
        "note_form": forms.get("note_form") or MessageForm(label=_("Internal note")),
        "assign_form": forms.get("assign_form")
        or AssignForm(initial={"engineer": incident.owner_id or request.user.pk}),
        "reject_form": forms.get("reject_form") or RejectForm(prefix="reject"),
        "route_form": forms.get("route_form") or RouteForm(prefix="route"),
        "contact_form": forms.get("contact_form")
        or AddContactForm(incident=incident, allow_primary=True),
        "is_owner": incident.owner_id == request.user.pk,
        "now": timezone.now(),
    }
    return render(request, "incidents/queue/detail.html", context, status=status)


@require_GET
@login_required
def queue_detail(request, number):
    return _render_detail(request, _get_incident(request, number))


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
    form = MessageForm(request.POST, label=_("Internal note"))
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
    incident = _get_incident(request, number)
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
    path("queue/", queue, name="queue"),
    path("queue/<str:number>/", queue_detail, name="queue_detail"),
    path("queue/<str:number>/<slug:action>/", queue_action, name="queue_action"),
]
