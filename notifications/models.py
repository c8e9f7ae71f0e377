"""The outbox, the periodic-task schedule and the once-only reminder marks."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutgoingEmail(models.Model):
    """One e-mail, kept until an SMTP server has accepted it (and after).

    Rendered when queued, or (``template`` set, no ``text`` yet) by the worker at its
    first attempt from what ``context`` keeps, in ``language``
    (``portal.lib.mail.RENDERED_BY_WORKER``); the rendered text is then kept on the row."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    to = models.JSONField(_("to"), default=list)
    from_email = models.CharField(_("from"), max_length=254)
    subject = models.CharField(_("subject"), max_length=998)
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    template = models.CharField(_("kind"), max_length=100, blank=True)
    context = models.JSONField(_("details"), default=dict, blank=True)
    language = models.CharField(_("Language"), max_length=10, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return self.subject or self.template

    def as_message(self) -> EmailMultiAlternatives:
        """The message as handed to the mailer; the Message-ID never changes between attempts."""
        message = EmailMultiAlternatives(
            self.subject,
            self.text,
            self.from_email or settings.DEFAULT_FROM_EMAIL,
            list(self.to),
            headers={"Message-ID": self.message_id},
        )
        if self.html:
            message.attach_alternative(self.html, "text/html")
        return message


class PeriodicTask(models.Model):
    """One row per entry of settings.PORTAL_PERIODIC_TASKS: when it is next due."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    next_run_at = models.DateTimeField(_("next run"), default=timezone.now)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)

    class Meta:
        verbose_name = _("periodic task")
        verbose_name_plural = _("periodic tasks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IncidentReminder(models.Model):
    """A reminder already sent for an incident: the unique pair makes it once only."""

    class Kind(models.TextChoices):
        RESPONSE_DUE = "response_due", _("First response due soon")

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("incident reminder")
        verbose_name_plural = _("incident reminders")
        constraints = [
            models.UniqueConstraint(fields=["incident", "kind"], name="reminder_once_per_incident")
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.kind}"
