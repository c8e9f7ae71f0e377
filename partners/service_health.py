"""Service health events of a CSP customer's services (SPEC §4.4; re-exported from
``partners.models``)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .managers import ServiceHealthEventQuerySet


class ServiceHealthEvent(models.Model):
    """Service health of a CSP customer's services, maintained by staff (SPEC §4.4)."""

    class Service(models.TextChoices):
        AZURE = "azure", _("Microsoft Azure")
        OFFICE365 = "office365", _("Office 365")
        DYNAMICS = "dynamics", _("Dynamics CRM Online")
        EMS = "ems", _("Enterprise Mobility Suite")

    class Status(models.TextChoices):
        ADVISORY = "advisory", _("Advisory")
        DEGRADED = "degraded", _("Service degradation")
        INCIDENT = "incident", _("Service incident")
        RESOLVED = "resolved", _("Resolved")

    customer = models.ForeignKey(
        "partners.Customer", on_delete=models.CASCADE, related_name="health_events"
    )
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    title = models.CharField(_("title"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    objects = ServiceHealthEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("service health event")
        verbose_name_plural = _("service health events")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.get_service_display()}: {self.title}"
