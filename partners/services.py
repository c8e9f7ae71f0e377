"""Workflows on partner users (SPEC §2 "People")."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import User

# The only fields the profile wizard may change; the name comes from the account.
PROFILE_FIELDS = ("email", "alternate_email", "phone", "time_zone", "language", "contact_method")


def complete_profile(user: User, data: dict[str, Any]) -> User:
    """Save the one-time profile (or an edit of it) and mark it complete.

    ``data`` holds the wizard's cleaned values; anything but ``PROFILE_FIELDS``
    (e.g. a forged first or last name) is ignored.
    """
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        for field in PROFILE_FIELDS:
            if field in data:
                value = data[field]
                setattr(locked, field, "" if value is None else value)
        if locked.profile_completed_at is None:
            locked.profile_completed_at = timezone.now()
        locked.full_clean(
            exclude=[f.name for f in User._meta.fields if f.name not in PROFILE_FIELDS]
        )
        locked.save(update_fields=[*PROFILE_FIELDS, "profile_completed_at"])
    for field in (*PROFILE_FIELDS, "profile_completed_at"):
        setattr(user, field, getattr(locked, field))
    return user
