from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_GET

from incidents.models import Incident


@require_GET
@login_required
def confirmation(request, number):
    """Shown after a wizard's Submit: the number, the status and the response target."""
    incident = get_object_or_404(
        Incident.objects.visible_to(request.user).select_related("product", "contract", "topic", "customer"),
        number=number,
    )
    return render(request, "incidents/confirmation.html", {"incident": incident})


urlpatterns = [
    path("submitted/<str:number>/", confirmation, name="confirmation"),
]
