"""Saved views of the queue: an engineer names a filter set, opens it later, deletes it.

A saved view belongs to one engineer: nobody else lists, opens or deletes it (404).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from incidents.forms.saved_views import SavedViewForm
from incidents.models import SavedView

from .engineer import require_engineer


@require_GET
@login_required
def saved_views(request):
    require_engineer(request, as_404=False)
    views = SavedView.objects.filter(user=request.user)
    return render(request, "incidents/queue/saved_views.html", {"views": views})


@require_POST
@login_required
def saved_view_save(request):
    require_engineer(request, as_404=False)
    form = SavedViewForm(request.POST)
    if not form.is_valid():
        views = SavedView.objects.filter(user=request.user)
        context = {"views": views, "form": form}
        return render(request, "incidents/queue/saved_views.html", context, status=400)
    view = SavedView.save_for(
        request.user, name=form.cleaned_data["name"], query=form.cleaned_data["filters"]
    )
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return redirect(f"{reverse('incidents:queue')}?{view.query}")


@require_POST
@login_required
def saved_view_delete(request, pk):
    require_engineer(request, as_404=True)
    view = get_object_or_404(SavedView, pk=pk, user=request.user)
    view.delete()
    messages.success(request, _("View “%(name)s” deleted.") % {"name": view.name})
    return redirect("incidents:saved_views")


urlpatterns = [
    path("queue/views/", saved_views, name="saved_views"),
    path("queue/views/save/", saved_view_save, name="saved_view_save"),
    path("queue/views/<int:pk>/delete/", saved_view_delete, name="saved_view_delete"),
]
