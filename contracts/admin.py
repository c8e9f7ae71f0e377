"""Program staff run contracts, the catalogue and activation requests here (SPEC §6).

Every change of a contract's units, dates or state goes through a model method or
a service function, so it is recorded in the contract's ledger."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from partners.admin import person
from portal.lib.i18n import local_date

from .models import (
    ActivationRequest,
    Contract,
    ContractEvent,
    ContractRegistration,
    CountryActivationRule,
    Product,
    ProductVersion,
)
from .services import ActivationError, activate_contracts, activate_request, reject_request


class ProductVersionInline(admin.TabularInline):
    model = ProductVersion
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "platform", "is_active"]
    list_filter = ["platform", "is_active"]
    search_fields = ["name", "name_hu", "name_cs", "name_ja", "name_ko", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ProductVersionInline]


class ReadOnlyInlineMixin:
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ContractEventInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = ContractEvent
    fields = ["created_at", "kind", "units_delta", "incident_number", "note", "by"]
    readonly_fields = fields
    ordering = ["-created_at", "-pk"]
    verbose_name_plural = _lazy("ledger (read-only: use the actions to change a contract)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=_lazy("by"))
    def by(self, event):
        return person(event.actor)


class ContractRegistrationInline(admin.TabularInline):
    model = ContractRegistration
    extra = 0
    fields = ["user", "created_at"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["user"]


class ExtendForm(forms.Form):
    until = forms.DateField(
        label=_lazy("New end date"), widget=forms.DateInput(attrs={"type": "date"})
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_lazy("Reason (e-mailed to the requester)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AddUnitsForm(forms.Form):
    count = forms.IntegerField(label=_lazy("Units to add"), min_value=1, max_value=1000)
    note = forms.CharField(label=_lazy("Note"), max_length=300, required=False)


def _action_form(modeladmin, request, queryset, form_class, title, action, cancel_url=""):
    """An intermediate page for an admin action that needs input (like delete's);
    "Cancel" goes back to ``cancel_url`` (default: the list)."""
    opts = modeladmin.model._meta
    form = form_class(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        return form
    return render(
        request,
        "contracts/admin/action_form.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "form": form,
            "queryset": queryset,
            "action": action,
            "opts": opts,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "cancel_url": cancel_url
            or reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        },
    )


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    # Fits a laptop screen: IDs, location and activation date are on the change page
    # (and searchable).
    list_display = ["name", "partner", "kind", "status", "units", "ends_on"]
    list_filter = ["kind", "status", "partner__region"]
    list_select_related = ["partner", "location"]
    search_fields = [
        "access_id",
        "contract_id",
        "name",
        "partner__name",
        "partner__partner_number",
    ]
    autocomplete_fields = ["partner"]
    filter_horizontal = ["products"]
    inlines = [ContractRegistrationInline, ContractEventInline]
    actions = ["activate_selected", "extend_selected", "add_units_selected"]
    date_hierarchy = "ends_on"

    @admin.display(description=_lazy("units used / granted"), ordering="units_used")
    def units(self, contract):
        return f"{contract.units_used} / {contract.units_granted}"

    def get_readonly_fields(self, request, obj=None):
        # Units, state and dates change only through the actions, which write the ledger.
        fields = ["units_used", "status", "activated_on", "ends_on", "created_at"]
        if obj is not None:
            fields.append("units_granted")
        return fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("partner", "location")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "location":
            kwargs["queryset"] = db_field.related_model.objects.select_related("partner")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.action(description=_lazy("Activate selected contracts (e-mails the IDs)"))
    def activate_selected(self, request, queryset):
        # One e-mail per benefit scope: the core benefits or one location's ABTK.
        scopes: dict[tuple, list[int]] = {}
        for contract in queryset.select_related("partner", "location").filter(
            status=Contract.Status.NOT_ACTIVATED
        ):
            location = contract.location or contract.partner.headquarters
            scopes.setdefault((contract.partner, location), []).append(contract.pk)
        count = 0
        for (partner, location), pks in scopes.items():
            if location is None:  # a partner without headquarters: nobody to e-mail
                count += sum(
                    c.activate(actor=request.user) for c in Contract.objects.filter(pk__in=pks)
                )
                continue
            count += len(activate_contracts(partner, location, actor=request.user, only=pks))
        self.message_user(
            request,
            ngettext("%(n)d contract activated.", "%(n)d contracts activated.", count)
            % {"n": count},
            messages.SUCCESS if count else messages.WARNING,
        )

    @admin.action(description=_lazy("Extend selected contracts…"))
    def extend_selected(self, request, queryset):
        form = _action_form(
            self, request, queryset, ExtendForm, _("Extend contracts"), "extend_selected"
        )
        if not isinstance(form, forms.Form):
            return form
        for contract in queryset:
            contract.extend(until=form.cleaned_data["until"], actor=request.user)
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "%(n)d contract extended to %(date)s.",
                "%(n)d contracts extended to %(date)s.",
                count,
            )
            % {"n": count, "date": local_date(form.cleaned_data["until"])},
            messages.SUCCESS,
        )
        return None

    @admin.action(description=_lazy("Add units to selected contracts…"))
    def add_units_selected(self, request, queryset):
        form = _action_form(
            self, request, queryset, AddUnitsForm, _("Add units"), "add_units_selected"
        )
        if not isinstance(form, forms.Form):
            return form
        for contract in queryset:
            contract.add_units(
                form.cleaned_data["count"], actor=request.user, note=form.cleaned_data["note"]
            )
        units, count = form.cleaned_data["count"], queryset.count()
        # Two numbers, two plurals: each half of the sentence agrees with its own.
        added = ngettext("%(count)d unit added", "%(count)d units added", units) % {"count": units}
        self.message_user(
            request,
            ngettext("%(added)s to %(n)d contract.", "%(added)s to %(n)d contracts.", count)
            % {"added": added, "n": count},
            messages.SUCCESS,
        )
        return None


@admin.register(ContractEvent)
class ContractEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "contract", "kind", "units_delta", "incident_number", "by"]
    list_filter = ["kind"]
    list_select_related = ["contract", "actor"]
    search_fields = ["contract__access_id", "contract__contract_id", "incident_number"]
    date_hierarchy = "created_at"

    @admin.display(description=_lazy("by"), ordering="actor__last_name")
    def by(self, event):
        return person(event.actor)

    # The ledger is written only by Contract methods.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ActivationRequest)
class ActivationRequestAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "partner",
        "location",
        "requester",
        "routed_to",
        "status",
        "decided_at",
    ]
    list_filter = ["status", "routed_to", "partner__region", "partner__membership_level"]
    list_select_related = ["partner", "location", "requested_by"]
    search_fields = [
        "partner__name",
        "partner__partner_number",
        "contact_name",
        "membership_email",
        "requested_by__email",
    ]
    readonly_fields = [
        "partner",
        "location",
        "requester",
        "routed_to",
        "status",
        "created_at",
        "decided_at",
        "decider",
        "rejection_reason",
        "partner_number",
    ]
    exclude = ["requested_by", "decided_by"]
    actions = ["activate", "reject"]
    date_hierarchy = "created_at"
    change_form_template = "contracts/admin/activationrequest_change_form.html"

    def has_add_permission(self, request):
        return False  # requests come from the partner's wizard

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("requested_by", "decided_by")

    def get_fields(self, request, obj=None):
        # The decision's rows appear once there is a decision; the reason, for a rejection.
        fields = super().get_fields(request, obj)
        hidden = set()
        if obj is None or obj.status == ActivationRequest.Status.PENDING:
            hidden = {"decided_at", "decider", "rejection_reason"}
        elif obj.status != ActivationRequest.Status.REJECTED:
            hidden = {"rejection_reason"}
        return [field for field in fields if field not in hidden]

    def get_urls(self):
        return [
            path(
                "<path:object_id>/reject/",
                self.admin_site.admin_view(self.reject_view),
                name="contracts_activationrequest_reject",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_lazy("requested by"), ordering="requested_by__last_name")
    def requester(self, activation):
        return person(activation.requested_by)

    @admin.display(description=_lazy("decided by"))
    def decider(self, activation):
        return person(activation.decided_by)

    def response_change(self, request, obj):
        """The "Activate" button of the request's own page."""
        if "_activate" not in request.POST:
            return super().response_change(request, obj)
        self.activate(request, ActivationRequest.objects.filter(pk=obj.pk))
        return HttpResponseRedirect(request.path)

    def reject_view(self, request, object_id):
        """The "Reject…" button of the request's own page: the reason form, then back."""
        activation = self.get_object(request, unquote(object_id))
        if activation is None:
            raise Http404
        if not self.has_change_permission(request, activation):
            raise PermissionDenied
        page = reverse("admin:contracts_activationrequest_change", args=[activation.pk])
        queryset = ActivationRequest.objects.filter(pk=activation.pk)
        return self.reject(request, queryset, cancel_url=page) or HttpResponseRedirect(page)

    @admin.action(description=_lazy("Activate"))
    def activate(self, request, queryset):
        activated = 0
        for activation in queryset.select_related("partner", "location", "requested_by"):
            try:
                # The decision and its history entry commit together.
                with transaction.atomic():
                    done = len(activate_request(activation, request.user))
                    self.log_change(request, activation, self.activated_message(done))
            except ActivationError as exc:
                self.message_user(request, f"{activation}: {exc}", messages.ERROR)
                continue
            activated += done
        if activated:
            self.message_user(
                request,
                ngettext(
                    "%(n)d contract activated; the IDs were e-mailed.",
                    "%(n)d contracts activated; the IDs were e-mailed.",
                    activated,
                )
                % {"n": activated},
                messages.SUCCESS,
            )

    @staticmethod
    def activated_message(count: int) -> str:
        return ngettext(
            "Activated: %(n)d contract activated.", "Activated: %(n)d contracts activated.", count
        ) % {"n": count}

    @admin.action(description=_lazy("Reject…"))
    def reject(self, request, queryset, cancel_url=""):
        form = _action_form(
            self,
            request,
            queryset,
            RejectForm,
            _("Reject activation requests"),
            "reject",
            cancel_url,
        )
        if not isinstance(form, forms.Form):
            return form
        reason = form.cleaned_data["reason"]
        count = 0
        for activation in queryset.select_related("partner", "location", "requested_by"):
            # The decision, its e-mail in the outbox and the history entry commit together.
            with transaction.atomic():
                if reject_request(activation, request.user, reason=reason):
                    self.log_change(
                        request, activation, _("Rejected. Reason: %(reason)s") % {"reason": reason}
                    )
                    count += 1
        self.message_user(
            request,
            ngettext(
                "%(n)d request rejected; the requester was e-mailed the reason.",
                "%(n)d requests rejected; the requesters were e-mailed the reason.",
                count,
            )
            % {"n": count},
            messages.SUCCESS if count else messages.WARNING,
        )
        return None


@admin.register(CountryActivationRule)
class CountryActivationRuleAdmin(admin.ModelAdmin):
    list_display = ["country", "auto_activate"]
    list_editable = ["auto_activate"]
    list_filter = ["auto_activate"]
