"""Saved wizard drafts: a wizard's answers and files, kept server-side per user.

A draft holds the formtools state (steps, answers, the names of its files in the
default storage) as JSON; the files themselves live in the default storage under
``drafts/<user id>/``. Nothing a wizard needs is in process memory or on one
machine's disk, so a user can continue on any app server.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


def draft_expiry(now=None):
    return (now or timezone.now()) + timedelta(days=settings.DRAFT_MAX_AGE_DAYS)


class DraftQuerySet(models.QuerySet):
    def open(self):
        return self.filter(expires_at__gt=timezone.now())

    def expired(self):
        return self.filter(expires_at__lte=timezone.now())

    def of(self, user):
        """The drafts ``user`` may see and act on: their own, nobody else's."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)

    def delete_rows(self) -> int:
        """Delete these drafts with one DELETE, and nothing else.

        Nothing points at a draft and no signal listens for one, so there is nothing
        to collect or cascade: ``QuerySet.delete()`` would only add a transaction of
        its own (BEGIN and COMMIT around the one statement). Files are the caller's.
        """
        return self._raw_delete(self.db)


class Draft(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts"
    )
    # The formtools storage prefix, e.g. "wizard_office365_wizard": one draft per wizard.
    wizard = models.CharField(_("wizard"), max_length=100)
    view = models.CharField(max_length=200, blank=True)  # dotted path of the wizard view
    url = models.CharField(max_length=200, blank=True)  # where "Continue" goes
    current_step = models.CharField(_("step"), max_length=100, blank=True)
    state = models.JSONField(default=dict)
    upload_bytes = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), default=draft_expiry, db_index=True)

    objects = DraftQuerySet.as_manager()

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "wizard"], name="one_draft_per_wizard")
        ]

    def __str__(self) -> str:
        return f"{self.wizard} ({self.user_id})"

    @cached_property
    def title(self):
        """What it is: the wizard's page title, in the reader's language."""
        try:
            return import_string(self.view).page_title or self.wizard
        except ImportError:
            return self.wizard

    @property
    def step_title(self):
        try:
            titles = import_string(self.view).step_titles
        except ImportError:
            return self.current_step
        return titles.get(self.current_step, self.current_step)

    def file_names(self) -> list[str]:
        return state_file_names(self.state)


def state_file_names(state: dict) -> list[str]:
    """The storage names of every file a wizard state refers to."""
    names = []
    for step_files in (state or {}).get("step_files", {}).values():
        for info in (step_files or {}).values():
            if isinstance(info, dict) and info.get("tmp_name"):
                names.append(info["tmp_name"])
    return names


def state_file_bytes(state: dict) -> int:
    total = 0
    for step_files in (state or {}).get("step_files", {}).values():
        for info in (step_files or {}).values():
            if isinstance(info, dict):
                total += int(info.get("size") or 0)
    return total
