"""The engineers' pages share one access rule: engineers (and staff who are engineers) only."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from incidents import detail
from incidents.models import Incident

# Product, version and topic are not joined: see incidents/detail.py (query planning).
DETAIL_RELATED = (
    "partner",
    "contract",
    "owner",
    "submitted_by",
    "customer",
    "subscription",
)


def require_engineer(request, *, as_404: bool) -> None:
    if not request.user.is_support_engineer:
        # Pages about one object answer 404, so they do not confirm that it exists.
        if as_404:
            raise Http404
        raise PermissionDenied


def get_incident(request, number) -> Incident:
    require_engineer(request, as_404=True)
    return get_object_or_404(
        detail.with_version_name(
            Incident.objects.visible_to(request.user).select_related(*DETAIL_RELATED)
        ),
        number=number,
    )
