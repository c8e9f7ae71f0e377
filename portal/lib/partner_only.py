"""The one partner-only guard (issue 16): pages that only a partner's users may open
(the incident wizards, the profile, CSP requests) answer everyone else with one
403 page and one message. Anonymous visitors are sent to sign in."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

TEMPLATE = "portal/partner_only.html"


def is_partner_user(user) -> bool:
    return user.is_authenticated and user.partner_id is not None


def refusal(request):
    """``None`` for a partner user; else the response to send (sign in, or 403)."""
    if is_partner_user(request.user):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, TEMPLATE, status=403)


class PartnerRequiredMixin:
    """For class-based views: only a partner's users get past ``dispatch``."""

    def dispatch(self, request, *args, **kwargs):
        if not is_partner_user(request.user):
            return refusal(request)
        return super().dispatch(request, *args, **kwargs)


def partner_required(view):
    """For function views: as :class:`PartnerRequiredMixin`."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return refusal(request) or view(request, *args, **kwargs)

    return wrapped
