from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from contracts.admin import _action_form

from .models import Order, Payment, PriceListEntry
from .services import PurchaseRefused, refund


@admin.register(PriceListEntry)
class PriceListEntryAdmin(admin.ModelAdmin):
    list_display = (
        "product",
        "region",
        "currency",
        "price_single",
        "five_pack_offered",
        "price_five_pack",
        "is_active",
    )
    list_filter = ("region", "five_pack_offered", "is_active", "currency")
    list_select_related = ("product",)
    list_editable = ("is_active",)


class RefundForm(forms.Form):
    reason = forms.CharField(label=_lazy("Reason for the refund"), max_length=250)


class PaymentInline(admin.StackedInline):
    model = Payment
    can_delete = False
    extra = 0
    fields = ("variant", "status", "total", "captured_amount", "currency", "transaction_id")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "buyer",
        "partner",
        "product",
        "quantity",
        "total",
        "currency",
        "status",
        "created_at",
    )
    list_filter = ("status", "quantity", "currency")
    search_fields = ("public_id", "buyer__username", "buyer__email", "partner__name")
    list_select_related = ("buyer", "partner", "product")
    readonly_fields = [f.name for f in Order._meta.fields]
    inlines = (PaymentInline,)
    actions = ("refund_orders",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_lazy("Refund the unused incidents of the selected orders"))
    def refund_orders(self, request, queryset):
        form = _action_form(
            self, request, queryset, RefundForm, _("Refund orders"), "refund_orders"
        )
        if not isinstance(form, RefundForm):
            return form  # the intermediate page asking for the reason
        for order in queryset:
            try:
                removed = refund(order, actor=request.user, reason=form.cleaned_data["reason"])
            except PurchaseRefused as exc:
                self.message_user(request, f"{order.reference}: {exc}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(reference)s refunded: %(n)s unused incidents removed.")
                    % {"reference": order.reference, "n": removed},
                    messages.SUCCESS,
                )
        return None
