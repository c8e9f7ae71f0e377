"""The answer to "is this user a support engineer?", cached per user.

Every engineer page asks it (access, the menu, the queryset of what the user may
see): one query on every request, the same answer almost always. It is kept in
the cache framework per user:

* on change, the process that made the change drops the entries it affects:
  ``m2m_changed`` of ``User.groups`` from either side (``user.groups.add`` and
  ``group.user_set.remove``, ``clear`` included), a user saved or deleted, a group
  saved (renamed to or from the engineers' name) or about to be deleted (its
  memberships go without an ``m2m_changed``);
* every entry also expires after ``LOOKUP_TTL`` seconds, so that with a per-process
  cache (LocMemCache, the default) the other workers see a change within a minute,
  as for the look-up lists (incidents/lookups.py).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from portal.lib.caching import cached

LOOKUP_TTL = getattr(settings, "LOOKUP_CACHE_TTL", 60)


def key(user_id: int) -> str:
    return f"partners:is-engineer:v1:{user_id}"


def is_member(user) -> bool:
    """Whether ``user`` is in the "Support engineers" group: cached, read on a miss."""
    return cached(
        key(user.pk),
        lambda: user.groups.filter(name=settings.SUPPORT_ENGINEERS_GROUP).exists(),
        LOOKUP_TTL,
    )


def forget(user_ids) -> None:
    """Drop the users' answers now, and again once the change is committed (a request
    that read the membership between the two, before the commit, does not keep it)."""
    keys = [key(pk) for pk in user_ids]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def _members(group: Group) -> list[int]:
    return list(group.user_set.values_list("pk", flat=True))


def forget_user(sender, instance, **kwargs) -> None:
    forget([instance.pk])


def forget_group_members(sender, instance, **kwargs) -> None:
    if instance.pk is not None:
        forget(_members(instance))


def forget_memberships(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """A membership changed: ``user.groups.*`` (instance is the user) or
    ``group.user_set.*`` (instance is the group, ``pk_set`` its users)."""
    if not reverse:
        if action.startswith("post_"):
            forget([instance.pk])
    elif action == "pre_clear":
        # Who is about to leave: post_clear has no pk_set.
        instance._engineer_cache_leaving = _members(instance)
    elif action == "post_clear":
        forget(getattr(instance, "_engineer_cache_leaving", []))
    elif action in ("post_add", "post_remove"):
        forget(pk_set or ())


def connect_signals() -> None:
    """Connected from PartnersConfig.ready."""
    from django.contrib.auth import get_user_model

    user = get_user_model()
    post_save.connect(forget_user, sender=user, dispatch_uid="engineer-cache-user-save")
    post_delete.connect(forget_user, sender=user, dispatch_uid="engineer-cache-user-delete")
    post_save.connect(forget_group_members, sender=Group, dispatch_uid="engineer-cache-group")
    pre_delete.connect(
        forget_group_members, sender=Group, dispatch_uid="engineer-cache-group-delete"
    )
    m2m_changed.connect(
        forget_memberships, sender=user.groups.through, dispatch_uid="engineer-cache-m2m"
    )
