"""Django admin for program staff: the incident catalogue and incidents (SPEC §6).

Incidents are created by the wizards (one service function), so the admin
cannot add them. A status or owner change made here goes through the same
workflow functions the engineers use (incidents/workflow.py): allowed
transitions only, reason required to reject or route, the unit given back,
history recorded, contacts told.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
    Status,
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
    fields = ("body", "is_internal", "author", "created_at")
    readonly_fields = ("author", "created_at")


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ("original_name", "content_type", "size", "uploaded_by", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class HistoryInline(admin.TabularInline):
    model = HistoryEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "actor", "from_status", "to_status", "detail", "is_internal")
    readonly_fields = fields

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
            "username"
        )
        return [
            ("none", _("Unassigned")),
            ("me", _("Assigned to me")),
            *((str(u.pk), u.get_full_name() or u.username) for u in engineers),
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


def transition_between(old: str, new: str):
    for step in workflow.TRANSITIONS.values():
        if old in step.sources and step.target == new:
            return step
    return None


class IncidentAdminForm(forms.ModelForm):
    """Validates status and owner changes by the workflow's rules before anything is saved."""

    class Meta:
        model = Incident
        # The admin builds the form from IncidentAdmin.fieldsets; these are the ones checked here.
        fields = ["status", "status_reason", "routed_to", "owner"]

    def clean(self):
        cleaned = super().clean()
        incident = self.instance  # still holds the stored values here
        if incident.pk is None:
            return cleaned
        if "owner" in self.changed_data:
            owner = cleaned.get("owner")
            if owner is not None and not owner.is_support_engineer:
                self.add_error("owner", gettext("Only a support engineer can own a request."))
            elif not incident.is_open:
                self.add_error("owner", gettext("Only an open request can be reassigned."))
        if "status" in self.changed_data:
            new = cleaned.get("status")
            if new in (Status.REJECTED, Status.ROUTED):
                if not incident.is_open:
                    self.add_error(
                        "status", gettext("Only an open request can be rejected or routed.")
                    )
                if not (cleaned.get("status_reason") or "").strip():
                    self.add_error(
                        "status_reason", gettext("Give the reason; the partner will see it.")
                    )
                if new == Status.ROUTED and not cleaned.get("routed_to"):
                    self.add_error("routed_to", gettext("Choose the team to route the request to."))
            elif transition_between(incident.status, new) is None:
                allowed = [
                    str(Status(step.target).label)
                    for step in workflow.available_transitions(incident)
                ]
                self.add_error(
                    "status",
                    gettext(
                        "A request that is %(old)s cannot become %(new)s. Allowed: %(allowed)s."
                    )
                    % {
                        "old": incident.get_status_display(),
                        "new": Status(new).label if new else "—",
                        "allowed": ", ".join(allowed) or gettext("none"),
                    },
                )
        return cleaned


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    form = IncidentAdminForm
    list_display = (
        "number",
        "title",
        "partner",
        "channel",
        "status",
        "severity",
        "owner",
        "response_due_at",
        "created_at",
    )
    list_filter = ("status", "severity", "channel", OwnerFilter, "routed_to")
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
                    "routed_to",
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

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        status_changed = "status" in form.changed_data
        owner_changed = "owner" in form.changed_data
        new_status, reason, team = obj.status, obj.status_reason, obj.routed_to
        new_owner = obj.owner
        stored = Incident.objects.get(pk=obj.pk)
        # Save everything else first; the workflow then re-reads the row under a lock.
        if status_changed:
            obj.status, obj.status_reason, obj.routed_to = (
                stored.status,
                stored.status_reason,
                stored.routed_to,
            )
        if owner_changed:
            obj.owner = stored.owner
        try:
            with transaction.atomic():
                super().save_model(request, obj, form, change)
                if owner_changed:
                    self.change_owner(request, obj, new_owner)
                if status_changed:
                    self.change_status(request, obj, new_status, reason, team)
        except workflow.WorkflowError as exc:
            messages.error(request, str(exc))

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

    def change_status(self, request, incident, status, reason, team) -> None:
        if status == Status.REJECTED:
            workflow.reject(incident, actor=request.user, reason=reason)
        elif status == Status.ROUTED:
            workflow.route(incident, actor=request.user, team=team, reason=reason)
        else:
            step = transition_between(incident.status, status)
            if step is None:
                raise workflow.WorkflowError(gettext("That status change is not allowed."))
            workflow.change_status(incident, transition=step.name, actor=request.user, note=reason)

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
