"""Django admin for program staff: the incident catalogue and incidents (SPEC §6).

Incidents are created by the wizards (one service function), so the admin
cannot add them. The status is read-only here: it changes only through the
workflow on the engineers' page. An owner change made here goes through the
same workflow function the engineers use (incidents/workflow.py), with history.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partners.admin import person
from partners.models import User

from . import workflow
from .models import (
    Attachment,
    HistoryEvent,
    Incident,
    IncidentContact,
    MarketplaceProduct,
    Message,
    SelfHelpArticle,
    Topic,
)

TRANSLATED_NAME_FIELDS = ("name", "name_hu", "name_cs", "name_ja", "name_ko")


# --- Catalogue ------------------------------------------------------------------


class ChildTopicInline(admin.TabularInline):
    model = Topic
    fk_name = "parent"
    extra = 0
    show_change_link = True
    verbose_name = _("child topic")
    verbose_name_plural = _("child topics")
    # ``tree`` and ``depth`` follow the parent (Topic.save).
    fields = (*TRANSLATED_NAME_FIELDS, "routes_to", "is_break_fix", "sort_order", "is_active")


class TopKindFilter(admin.SimpleListFilter):
    """Roots (products / issue types) versus nodes under a parent."""

    title = _("position")
    parameter_name = "position"

    def lookups(self, request, model_admin):
        return (("root", _("Top level")), ("child", _("Under a parent")))

    def queryset(self, request, queryset):
        if self.value() == "root":
            return queryset.filter(parent__isnull=True)
        if self.value() == "child":
            return queryset.filter(parent__isnull=False)
        return queryset


class ParentFilter(admin.SimpleListFilter):
    """The nodes that have children, one query."""

    title = _("parent")
    parameter_name = "parent"

    def lookups(self, request, model_admin):
        parents = Topic.objects.filter(children__isnull=False).distinct()
        tree = request.GET.get("tree__exact")
        if tree:
            parents = parents.filter(tree=tree)
        return [(str(t.pk), f"{t.get_tree_display()}: {t.label}") for t in parents]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(parent_id=self.value())
        return queryset


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "tree",
        "level",
        "parent",
        "product",
        "routes_to",
        "is_break_fix",
        "sort_order",
        "is_active",
    )
    list_filter = ("tree", TopKindFilter, ParentFilter, "depth", "routes_to", "is_active")
    search_fields = TRANSLATED_NAME_FIELDS
    list_select_related = ("parent", "product")
    autocomplete_fields = ("parent",)
    raw_id_fields = ("product",)
    fields = (
        "tree",
        "parent",
        "product",
        *TRANSLATED_NAME_FIELDS,
        "routes_to",
        "is_break_fix",
        "sort_order",
        "is_active",
    )
    inlines = (ChildTopicInline,)

    @admin.display(description=_("level"), ordering="depth")
    def level(self, obj):
        try:
            return obj.level_name
        except (IndexError, KeyError):
            return obj.depth


@admin.register(SelfHelpArticle)
class SelfHelpArticleAdmin(admin.ModelAdmin):
    list_display = ("name", "product", "topic", "url")
    list_filter = ("product",)
    search_fields = (*TRANSLATED_NAME_FIELDS, "summary", "url")
    list_select_related = ("product", "topic")
    autocomplete_fields = ("topic",)


@admin.register(MarketplaceProduct)
class MarketplaceProductAdmin(admin.ModelAdmin):
    list_display = ("name", "isv_name", "support_url", "support_email", "support_phone")
    search_fields = ("name", "isv_name")


# --- Incidents ------------------------------------------------------------------


class ContactInline(admin.TabularInline):
    model = IncidentContact
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "is_primary", "added_at")
    readonly_fields = ("added_at",)


class MessageInline(admin.StackedInline):
    model = Message
    extra = 0
    fields = ("body", "is_internal", "written_by", "created_at")
    readonly_fields = ("written_by", "created_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    @admin.display(description=_("author"))
    def written_by(self, message):
        return person(message.author)


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ("original_name", "content_type", "size", "uploader", "created_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    @admin.display(description=_("uploaded by"))
    def uploader(self, attachment):
        return person(attachment.uploaded_by)

    def has_add_permission(self, request, obj=None):
        return False


class HistoryInline(admin.TabularInline):
    model = HistoryEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "by", "from_status", "to_status", "detail", "is_internal")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=_("by"))
    def by(self, event):
        return person(event.actor)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OwnerFilter(admin.SimpleListFilter):
    """Unassigned, mine, or one of the support engineers (one query)."""

    title = _("owner")
    parameter_name = "owner"

    def lookups(self, request, model_admin):
        engineers = User.objects.filter(groups__name=settings.SUPPORT_ENGINEERS_GROUP).order_by(
            "last_name", "first_name", "username"
        )
        return [
            ("none", _("Unassigned")),
            ("me", _("Assigned to me")),
            *((str(u.pk), person(u)) for u in engineers),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(owner__isnull=True)
        if value == "me":
            return queryset.filter(owner=request.user)
        if value:
            return queryset.filter(owner_id=value)
        return queryset


class IncidentAdminForm(forms.ModelForm):
    """Validates an owner change by the workflow's rules before anything is saved.

    The status is read-only here: it changes only through the workflow, on the
    engineers' incident page (allowed transitions, reasons, the unit given back,
    history, e-mail), never by editing a field.
    """

    class Meta:
        model = Incident
        # The admin builds the form from IncidentAdmin.fieldsets; this one is checked here.
        fields = ["owner"]

    def clean(self):
        cleaned = super().clean()
        incident = self.instance  # still holds the stored values here
        if incident.pk is not None and "owner" in self.changed_data:
            owner = cleaned.get("owner")
            if owner is not None and not owner.is_support_engineer:
                self.add_error("owner", gettext("Only a support engineer can own a request."))
            elif not incident.is_open:
                self.add_error("owner", gettext("Only an open request can be reassigned."))
        return cleaned


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    form = IncidentAdminForm
    # Fits a 1,500 px screen: the channel and the submission time are on the change page
    # (and the channel is a filter).
    list_display = (
        "number",
        "title",
        "partner",
        "status",
        "severity_letter",
        "owner_name",
        "response_due_at",
    )
    list_filter = ("status", "severity", "channel", "product", OwnerFilter, "routed_to")
    # Newest first by the primary key's index (numbers follow submission order); no
    # unindexed sort of every incident, and one count instead of two.
    ordering = ("-pk",)
    show_full_result_count = False
    list_per_page = 50
    search_fields = ("number", "title", "partner__name", "=partner__partner_number")
    list_select_related = ("partner", "owner")
    autocomplete_fields = (
        "partner",
        "submitted_by",
        "owner",
        "topic",
        "customer",
        "subscription",
    )
    # Products are administered in the contracts app.
    raw_id_fields = ("product", "product_version")
    readonly_fields = (
        "number",
        # Status, reason and team change only through the workflow (engineers' page).
        "status",
        "status_reason",
        "routed_to",
        "workflow_link",
        "contract",  # its unit is taken or given back only by the services
        "created_at",
        "updated_at",
        "unit_consumed",
        "first_response_at",
        "submission_key",
    )
    fieldsets = (
        (None, {"fields": ("number", "channel", "title", "description", "error_message")}),
        (
            _("Status"),
            {
                "fields": (
                    ("status", "status_reason"),
                    ("routed_to", "workflow_link"),
                    "owner",
                    ("severity", "is_24x7"),
                    ("created_at", "updated_at"),
                    ("response_due_at", "first_response_at"),
                )
            },
        ),
        (
            _("Partner and contact"),
            {
                "fields": (
                    "partner",
                    "submitted_by",
                    ("contact_name", "contact_email", "contact_phone"),
                    ("time_zone", "support_language"),
                )
            },
        ),
        (
            _("Product and contract"),
            {
                "fields": (
                    ("product", "product_version"),
                    "topic",
                    ("customer", "subscription"),
                    "support_plan",
                    ("contract", "unit_consumed"),
                    "facts",
                    "submission_key",
                )
            },
        ),
    )
    inlines = (ContactInline, MessageInline, AttachmentInline, HistoryInline)

    def has_add_permission(self, request):
        # Incidents come from the wizards (incidents.services.submit_incident).
        return False

    def has_delete_permission(self, request, obj=None):
        # An incident is closed, rejected or routed through the workflow (its unit given back,
        # its history kept), never deleted: deleting would bypass the contract's ledger.
        return False

    @admin.display(description=_("severity"), ordering="severity")
    def severity_letter(self, incident):
        return incident.severity

    @admin.display(description=_("owner"), ordering="owner__last_name")
    def owner_name(self, incident):
        return person(incident.owner)

    @admin.display(description=_("status changes"))
    def workflow_link(self, incident):
        if incident.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("incidents:queue_detail", args=[incident.number]),
            gettext("Change the status on the incident's page (workflow)"),
        )

    def save_model(self, request, obj, form, change):
        if not change or "owner" not in form.changed_data:
            return super().save_model(request, obj, form, change)
        new_owner = obj.owner
        # Save everything else first; the workflow then re-reads the row under a lock.
        obj.owner = Incident.objects.select_related("owner").get(pk=obj.pk).owner
        try:
            with transaction.atomic():
                super().save_model(request, obj, form, change)
                self.change_owner(request, obj, new_owner)
        except workflow.WorkflowError as exc:
            messages.error(request, str(exc))
        return None

    def change_owner(self, request, incident, owner) -> None:
        if owner is not None:
            workflow.assign(incident, engineer=owner, actor=request.user)
            return
        # The workflow has no "unassign"; record it the same way.
        incident.owner = None
        incident.save(update_fields=["owner", "updated_at"])
        HistoryEvent.objects.create(
            incident=incident,
            actor=request.user,
            kind=HistoryEvent.Kind.ASSIGNED,
            detail=gettext("Unassigned"),
            is_internal=True,
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Message:
            return super().save_formset(request, form, formset, change)
        messages = formset.save(commit=False)
        for message in messages:
            is_new = message.pk is None
            if is_new:
                message.author = request.user
            message.save()
            if is_new:
                HistoryEvent.objects.create(
                    incident=message.incident,
                    actor=request.user,
                    kind=HistoryEvent.Kind.NOTE
                    if message.is_internal
                    else HistoryEvent.Kind.MESSAGE,
                    is_internal=message.is_internal,
                )
        for message in formset.deleted_objects:
            message.delete()
        formset.save_m2m()
