"""API tokens: how partner systems authenticate to API v1 (issue 22).

The secret is shown once; only its first characters (to find the row) and its
SHA-256 hash are stored. Revoked tokens stay for the record.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "psp_"
PREFIX_LENGTH = 12  # "psp_" + 8 random characters: the public part that finds the row


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def authenticate(self, secret: str) -> ApiToken | None:
        """The live token for ``secret`` (its user active, their partner active), or None."""
        if not secret.startswith(TOKEN_PREFIX) or len(secret) < PREFIX_LENGTH + 16:
            return None
        candidate = (
            self.active()
            .select_related("user", "user__partner")
            .filter(prefix=secret[:PREFIX_LENGTH])
            .first()
        )
        if candidate is None or not hmac.compare_digest(candidate.key_hash, hash_secret(secret)):
            return None
        user = candidate.user
        if not user.is_active or user.partner_id is None or not user.partner.is_active:
            return None
        return candidate


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(_("key prefix"), max_length=PREFIX_LENGTH, unique=True)
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # Throttling: a fixed window (its number since the epoch) and the calls made in it.
    window = models.BigIntegerField(default=0, editable=False)
    window_calls = models.PositiveIntegerField(default=0, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, user, name: str, scope: str) -> tuple[ApiToken, str]:
        """Create a token; returns it with its secret, which is never stored or shown again."""
        while True:
            secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
            prefix = secret[:PREFIX_LENGTH]
            if not cls.objects.filter(prefix=prefix).exists():
                break
        token = cls.objects.create(
            user=user, name=name, scope=scope, prefix=prefix, key_hash=hash_secret(secret)
        )
        return token, secret

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            ApiToken.objects.filter(pk=self.pk, revoked_at__isnull=True).update(
                revoked_at=self.revoked_at
            )

    def count_call(self, *, limit: int, window_seconds: int) -> int:
        """Count one call in the current window; 0 if allowed, else seconds until the next one.

        One conditional UPDATE (the right-hand sides read the row as it was), so
        concurrent calls can never exceed ``limit``. Also records the last-used time.
        """
        now = timezone.now()
        current = int(now.timestamp()) // window_seconds
        counted = (
            ApiToken.objects.filter(pk=self.pk)
            .filter(~Q(window=current) | Q(window_calls__lt=limit))
            .update(
                window_calls=Case(
                    When(window=current, then=F("window_calls") + 1), default=Value(1)
                ),
                window=current,
                last_used_at=now,
            )
        )
        if counted:
            return 0
        return max(1, (current + 1) * window_seconds - int(now.timestamp()))
