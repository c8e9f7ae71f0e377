"""The engineers' and staff's dashboard: four charts, each with its numbers as a table."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from incidents.dashboard import charts, counts_for


@require_GET
@login_required
def dashboard(request):
    user = request.user
    if not (user.is_support_engineer or (user.is_staff and user.partner_id is None)):
        raise PermissionDenied
    counts = counts_for(user)
    context = {
        "charts": charts(counts),
        "counted_at": counts.at,
        "zone": timezone.get_current_timezone_name(),
    }
    return render(request, "incidents/dashboard.html", context)


urlpatterns = [
    path("dashboard/", dashboard, name="dashboard"),
]
