"""Incidents, their catalogue (taxonomies), contacts, messages, attachments and history (SPEC §4-5)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract, Product, ProductVersion
from partners.models import AzureSubscription, Customer, Partner
from portal.lib.i18n import TranslatedNameModel

from .choices import (  # noqa: F401 - re-exported: the app's choices are imported from here
    OPEN_STATUSES,
    Channel,
    RoutedTeam,
    Severity,
    Status,
    Tree,
)
from .clock import ResponseClock
from .querysets import IncidentQuerySet

# Length limits of free text (issue 14): enforced by every form (max_length, with a
# counter in the browser) and by the database (CharField length, or a check
# constraint on the TextFields below).
TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 10_000  # descriptions, error messages, messages, reasons


def text_length_check(field: str, model: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), TEXT_MAX_LENGTH),
        name=f"{model}_{field}_max_length",
    )


class Topic(TranslatedNameModel):
    """One node of an incident taxonomy, edited by staff.

    Office 365: issue type → service → service area → problem area.
    Azure: product → problem type → category.
    On-premises: product → category → problem.
    """

    LEVELS = {
        Tree.OFFICE365: (_("Issue type"), _("Service"), _("Service area"), _("Problem area")),
        Tree.AZURE: (_("Product"), _("Problem type"), _("Category")),
        Tree.ON_PREMISES: (_("Product"), _("Category"), _("Problem")),
    }

    tree = models.CharField(_("taxonomy"), max_length=12, choices=Tree.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    depth = models.PositiveSmallIntegerField(_("level"), default=0, editable=False)
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="topics",
        help_text=_("For a root node: the catalogue product it stands for."),
    )
    routes_to = models.CharField(
        _("routed to"),
        max_length=20,
        choices=RoutedTeam.choices,
        blank=True,
        help_text=_("Non-technical or out-of-scope topics are routed to this team, not worked."),
    )
    is_break_fix = models.BooleanField(
        _("break/fix"),
        default=True,
        help_text=_("In-scope work that is not break/fix may take up to one business day."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("catalogue topic")
        verbose_name_plural = _("catalogue topics")
        ordering = ["tree", "depth", "sort_order", "name"]
        indexes = [models.Index(fields=["tree", "parent", "sort_order"])]

    def save(self, *args, **kwargs):
        self.depth = self.parent.depth + 1 if self.parent_id else 0
        if self.parent_id:
            self.tree = self.parent.tree
        super().save(*args, **kwargs)

    @property
    def level_name(self) -> str:
        return str(self.LEVELS[self.tree][self.depth])

    def path(self) -> list[Topic]:
        nodes, node = [], self
        while node is not None:
            nodes.append(node)
            node = node.parent
        return list(reversed(nodes))

    @property
    def effective_route(self) -> str:
        """The routing of this node or of the nearest ancestor that routes."""
        for node in reversed(self.path()):
            if node.routes_to:
                return node.routes_to
        return ""


class SelfHelpArticle(TranslatedNameModel):
    """Self-help suggested in the Support for Business wizard (SPEC §4.3)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="articles")
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="articles",
    )
    url = models.URLField(_("link"))
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("self-help article")
        verbose_name_plural = _("self-help articles")
        ordering = ["name"]
        constraints = [text_length_check("summary", "selfhelparticle")]


class MarketplaceProduct(models.Model):
    """A commercial-marketplace product: supported by its ISV, not by us (SPEC §4.4)."""

    name = models.CharField(_("name"), max_length=200)
    isv_name = models.CharField(_("publisher (ISV)"), max_length=200)
    support_url = models.URLField(_("support link"))
    support_email = models.EmailField(_("support e-mail"))
    support_phone = models.CharField(_("support phone"), max_length=40)

    class Meta:
        verbose_name = _("marketplace product")
        verbose_name_plural = _("marketplace products")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Incident(models.Model):
    number = models.CharField(_("number"), max_length=32, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="incidents"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="submitted_incidents",
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
    )
    product_version = models.ForeignKey(
        ProductVersion,
        verbose_name=_("version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("problem"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
    )
    subscription = models.ForeignKey(
        AzureSubscription,
        verbose_name=_("Azure subscription"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
    )
    support_plan = models.CharField(_("support plan"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"))
    error_message = models.TextField(_("error message"), blank=True)
    facts = models.JSONField(_("supporting information"), default=dict, blank=True)
    severity = models.CharField(_("severity"), max_length=1, choices=Severity.choices)
    is_24x7 = models.BooleanField(_("24/7 support"), default=False)
    support_language = models.CharField(_("support language"), max_length=8, default="en")
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    contact_name = models.CharField(_("contact name"), max_length=200)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    status_reason = models.TextField(_("reason"), blank=True)
    routed_to = models.CharField(
        _("routed to"), max_length=20, choices=RoutedTeam.choices, blank=True
    )
    contract = models.ForeignKey(
        Contract,
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
    )
    unit_consumed = models.BooleanField(_("unit consumed"), default=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_incidents",
    )
    created_at = models.DateTimeField(_("submitted"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    submission_key = models.UUIDField(
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="Idempotency key of the wizard run that created it.",
    )
    # PostgreSQL: written by a trigger, read by incidents.search (migration 0004).
    search_vector = SearchVectorField(null=True, editable=False)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-created_at"]
        indexes = [
            # The queue: sorted by response due time, optionally per status / owner.
            models.Index(fields=["response_due_at", "id"], name="incident_due_idx"),
            models.Index(
                fields=["status", "response_due_at", "id"], name="incident_status_due_idx"
            ),
            models.Index(fields=["owner", "response_due_at", "id"], name="incident_owner_due_idx"),
            # The open queue and its "first response overdue / due soon" filters: only the
            # open incidents (a small, steady share), in due order, so a page reads its
            # rows off one ordered scan however many incidents have been closed.
            models.Index(
                fields=["response_due_at", "id"],
                condition=Q(status__in=OPEN_STATUSES),
                name="incident_open_due_idx",
            ),
            models.Index(fields=["partner", "-created_at"], name="incident_partner_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_24x7=False) | Q(severity="A"), name="only_severity_a_is_24x7"
            ),
            text_length_check("description", "incident"),
            text_length_check("error_message", "incident"),
            text_length_check("status_reason", "incident"),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def contact_users(self):
        """The users who are contacts of this incident."""
        return get_user_model().objects.filter(incident_contacts__incident=self)

    def addable_contacts(self):
        """The partner's active users who are not contacts of this incident yet, by name."""
        return (
            get_user_model()
            .objects.partner_users(self.partner_id)
            .exclude(pk__in=IncidentContact.objects.filter(incident=self).values("user_id"))
        )

    def response_clock(self, now: dt.datetime | None = None) -> ResponseClock | None:
        """The one first-response deadline, or None once answered, closed or never dated."""
        if self.first_response_at is not None or self.response_due_at is None:
            return None
        if not self.is_open:
            return None
        return ResponseClock(due_at=self.response_due_at, now=now or timezone.now())

    @property
    def is_overdue(self) -> bool:
        clock = self.response_clock()
        return clock is not None and clock.is_overdue


class IncidentContact(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="contacts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="incident_contacts"
    )
    is_primary = models.BooleanField(_("primary contact"), default=False)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "added_at"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "user"], name="unique_incident_contact"),
            models.UniqueConstraint(
                fields=["incident"], condition=Q(is_primary=True), name="one_primary_contact"
            ),
        ]
        indexes = [models.Index(fields=["user", "incident"], name="contact_user_idx")]

    def __str__(self) -> str:
        return str(self.user)


class Message(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="incident_messages"
    )
    body = models.TextField(_("message"))
    is_internal = models.BooleanField(
        _("internal note"), default=False, help_text=_("Never shown to partners.")
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    # PostgreSQL: written by a trigger, read by incidents.search (migration 0004).
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["incident", "created_at"], name="message_incident_idx")]
        constraints = [text_length_check("body", "message")]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


def attachment_path(instance, filename: str) -> str:
    # Never the uploader's name: a generated one, so no traversal or overwrite.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext[:8]}"


class Attachment(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class HistoryEvent(models.Model):
    class Kind(models.TextChoices):
        CREATED = "created", _("Submitted")
        STATUS = "status", _("Status changed")
        ASSIGNED = "assigned", _("Assigned")
        CONTACT_ADDED = "contact_added", _("Contact added")
        CONTACT_REMOVED = "contact_removed", _("Contact removed")
        MESSAGE = "message", _("Message")
        NOTE = "note", _("Internal note")
        ATTACHMENT = "attachment", _("Attachment added")
        FIRST_RESPONSE = "first_response", _("First response")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="history")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    is_internal = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("history event")
        verbose_name_plural = _("history")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["incident", "created_at"], name="history_incident_idx")]
        constraints = [text_length_check("detail", "historyevent")]

    # Codes stored in ``detail`` and translated when shown, in the reader's language
    # (the English texts are those of rows written before the codes).
    ON_TIME, LATE = "on_time", "late"
    CODED_DETAILS = {
        ON_TIME: _("On time"),
        LATE: _("Late"),
        "On time": _("On time"),
        "Late": _("Late"),
    }

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def display_detail(self) -> str:
        return self.detail_label(self.kind, self.detail)

    @classmethod
    def detail_label(cls, kind: str, detail: str) -> str:
        if kind == cls.Kind.FIRST_RESPONSE:
            return str(cls.CODED_DETAILS.get(detail, detail))
        return detail


class SavedView(models.Model):
    """A named set of queue filters, private to the engineer who saved it (issue 18)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("filters"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="unique_saved_view_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def save_for(cls, user, *, name: str, query: str) -> SavedView:
        """Save (or replace) the user's view of this name."""
        view, _created = cls.objects.update_or_create(
            user=user, name=name, defaults={"query": query}
        )
        return view
