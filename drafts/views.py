"""Discarding a draft: a POST by its owner; anyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import Draft
from .services import discard_draft


@require_POST
@login_required
def discard(request, pk):
    draft = get_object_or_404(Draft.objects.of(request.user), pk=pk)
    title = draft.title
    discard_draft(draft)
    messages.success(request, _("The draft “%(title)s” was discarded.") % {"title": title})
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("home")


app_name = "drafts"
urlpatterns = [path("<int:pk>/discard/", discard, name="discard")]
