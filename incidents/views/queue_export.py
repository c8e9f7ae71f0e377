"""The filtered queue as a CSV file, streamed row by row (issue 18)."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from incidents.forms.followup import QueueFilterForm
from incidents.models import Incident

from .engineer import require_engineer
from .queue import ROW_FIELDS, filtered_queue

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """The cell as text, with a leading quote when a spreadsheet would take it for a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value):
        return value


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _header() -> list[str]:
    zone = timezone.get_current_timezone_name()
    return [
        _("Number"),
        _("Title"),
        _("Partner"),
        _("Partner ID"),
        _("Product"),
        _("Severity"),
        _("Status"),
        _("Owner"),
        _("Submitted") + f" ({zone})",
        _("Response due") + f" ({zone})",
        _("First response") + f" ({zone})",
    ]


def _row(incident: Incident) -> list[str]:
    owner = incident.owner
    return [
        incident.number,
        incident.title,
        incident.partner.name,
        incident.partner.partner_number,
        incident.product.label if incident.product else "",
        incident.severity,
        incident.get_status_display(),
        (owner.get_full_name() or owner.username) if owner else "",
        _when(incident.created_at),
        _when(incident.response_due_at),
        _when(incident.first_response_at),
    ]


@require_GET
@login_required
def queue_export(request):
    """Every incident the queue's filters match (not just one page), by response due time."""
    require_engineer(request, as_404=False)
    form = QueueFilterForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(
            _("Some filters were not understood; fix them and apply again.")
        )
    incidents = (
        filtered_queue(request.user, form)
        .only(*ROW_FIELDS, "created_at")
        .order_by("response_due_at", "id")
    )
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
        yield writer.writerow(_header())
        for incident in incidents.iterator(chunk_size=500):
            yield writer.writerow([csv_safe(cell) for cell in _row(incident)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="incidents-{stamp}.csv"'
    return response


urlpatterns = [
    path("queue/export.csv", queue_export, name="queue_export"),
]
