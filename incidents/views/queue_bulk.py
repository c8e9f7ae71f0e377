"""Bulk actions on the rows chosen in the queue: assign to me or to another engineer.

Each incident goes through the same workflow call as on its own page (same rules,
same history, each in its own transaction); a refusal of one is reported, the others
still happen.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from incidents import workflow
from incidents.forms.followup import AssignForm
from incidents.models import Incident

from .engineer import require_engineer

MAX_ROWS = 100  # a page holds 25; a forged list cannot make one request do unbounded work


def _back(request):
    """Back to the queue with the filters the engineer had (parsed and re-encoded)."""
    query = QueryDict(request.POST.get("filters", ""), mutable=True)
    return redirect(f"{reverse('incidents:queue')}?{query.urlencode()}")


@require_POST
@login_required
def queue_bulk(request):
    require_engineer(request, as_404=False)
    numbers = request.POST.getlist("number")[:MAX_ROWS]
    action = request.POST.get("bulk")
    if action not in ("me", "assign") or not numbers:
        messages.error(request, _("Choose one or more requests and an action."))
        return _back(request)
    if action == "me":
        engineer = request.user
    else:
        form = AssignForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose the engineer to assign the requests to."))
            return _back(request)
        engineer = form.cleaned_data["engineer"]
    incidents = Incident.objects.visible_to(request.user).filter(number__in=numbers)
    done, refused = 0, []
    for incident in incidents.order_by("number"):
        try:
            workflow.assign(incident, engineer=engineer, actor=request.user)
        except workflow.WorkflowError as exc:
            refused.append(f"{incident.number}: {exc}")
        else:
            done += 1
    name = engineer.get_full_name() or engineer.username
    if done:
        messages.success(
            request,
            ngettext(
                "%(count)d request assigned to %(name)s.",
                "%(count)d requests assigned to %(name)s.",
                done,
            )
            % {"count": done, "name": name},
        )
    for reason in refused:
        messages.error(request, reason)
    return _back(request)


urlpatterns = [
    path("queue/bulk/", queue_bulk, name="queue_bulk"),
]
