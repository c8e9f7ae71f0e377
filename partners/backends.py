"""The authentication backend: Django's ModelBackend, the user read with their partner.

Every page of a partner user reads ``request.user.partner`` (``PartnerAccessMiddleware``
checks that the partner is active; the wizards and lists scope by it). ``ModelBackend``
loads the user alone, so the partner was a second query on every request. This backend's
``get_user`` joins it into the user's query; everything else (passwords, permissions,
``is_active``) is ModelBackend's. django-axes' backend stays first in
``AUTHENTICATION_BACKENDS`` so that a locked-out user never reaches this one.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

UserModel = get_user_model()


class PartnerModelBackend(ModelBackend):
    """ModelBackend whose ``get_user`` also loads the user's partner (one query, not two)."""

    def get_user(self, user_id):
        try:
            user = UserModel._default_manager.select_related("partner").get(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    async def aget_user(self, user_id):
        try:
            user = await UserModel._default_manager.select_related("partner").aget(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
