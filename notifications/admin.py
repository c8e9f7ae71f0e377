from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import IncidentReminder, OutgoingEmail, PeriodicTask


class ResendForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for sending again"),
        max_length=500,
        help_text=_("Kept on the message, e.g. the address was corrected or the server is back."),
    )


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ("subject", "recipients", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status",)
    search_fields = ("subject", "message_id", "to")
    date_hierarchy = "created_at"
    actions = ["resend"]
    fields = (
        "status",
        "to",
        "from_email",
        "subject",
        "message_id",
        "attempts",
        "last_error",
        "note",
        "created_at",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "text",
        "html",
        "template",
        "language",
        "context",
    )
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("to"))
    def recipients(self, obj) -> str:
        return ", ".join(obj.to)

    @admin.action(description=_("Re-send the selected failed e-mails"), permissions=["resend"])
    def resend(self, request, queryset):
        # The confirmation page (shared with the contract actions) posts "apply".
        form = ResendForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            count = sum(services.resend(email, reason=reason) for email in queryset)
            self.message_user(
                request,
                ngettext("%(count)d e-mail queued again.", "%(count)d e-mails queued again.", count)
                % {"count": count},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Re-send e-mails"),
            "form": form,
            "queryset": queryset,
            "action": "resend",
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "contracts/admin/action_form.html", context)

    def has_resend_permission(self, request) -> bool:
        return request.user.has_perm("notifications.change_outgoingemail")


@admin.register(PeriodicTask)
class PeriodicTaskAdmin(admin.ModelAdmin):
    list_display = ("name", "next_run_at", "last_run_at")
    readonly_fields = ("name", "last_run_at")


@admin.register(IncidentReminder)
class IncidentReminderAdmin(admin.ModelAdmin):
    list_display = ("incident", "kind", "sent_at")
    list_select_related = ("incident",)
    raw_id_fields = ("incident",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
