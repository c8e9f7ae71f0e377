from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_GET

from incidents.models import Incident

# What incidents/confirmation.html shows, and nothing else: the page joins only the two
# relations it names and leaves out the long texts and the search vector (issue 21: the
# product and topic joins and the wide row were most of the page's database time).
SHOWN_FIELDS = (
    "number",
    "status",
    "status_reason",
    "routed_to",
    "response_due_at",
    "time_zone",
    "contact_email",
    "title",
    "severity",
    "is_24x7",
    "customer__name",
    "contract__name",
    "contract__contract_id",
)


@require_GET
@login_required
def confirmation(request, number):
    """Shown after a wizard's Submit: the number, the status and the response target."""
    incident = get_object_or_404(
        Incident.objects.visible_to(request.user)
        .select_related("contract", "customer")
        .only(*SHOWN_FIELDS),
        number=number,
    )
    return render(request, "incidents/confirmation.html", {"incident": incident})


urlpatterns = [
    path("submitted/<str:number>/", confirmation, name="confirmation"),
]
