"""Django admin for program staff: partners, people, competencies, eligibility, customers (SPEC §6).

Every changelist selects its foreign keys up front, so its query count does
not grow with its rows.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import (
    AzureSubscription,
    Competency,
    Customer,
    CustomerPartner,
    EligibilityRule,
    Location,
    Partner,
    PartnerCompetency,
    ServiceHealthEvent,
    SubscriptionRole,
    User,
)

TRANSLATED_NAME_FIELDS = ("name", "name_hu", "name_cs", "name_ja", "name_ko")


def person(user) -> str | None:
    """A person as staff pages name them: the full name (the user name only when no name
    is recorded); None for nobody, which the admin shows as its empty-value mark."""
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


# --- Partner ------------------------------------------------------------------


class LocationInline(admin.StackedInline):
    model = Location
    extra = 0
    fields = (
        ("kind", "name"),
        ("city", "country"),
        ("program_contact_name", "program_contact_email"),
    )


class PartnerCompetencyInline(admin.TabularInline):
    model = PartnerCompetency
    extra = 0
    autocomplete_fields = ("competency",)
    fields = ("competency", "level", "earned_on")


class PartnerUserInline(admin.TabularInline):
    """The partner's people; edited on the user's own page (read-mostly here)."""

    model = User
    fk_name = "partner"
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("person")
    verbose_name_plural = _("people")
    fields = ("username", "full_name", "email", "partner_role", "is_active", "profile_completed_at")
    readonly_fields = ("username", "full_name", "email", "is_active", "profile_completed_at")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("name"))
    def full_name(self, obj):
        return obj.get_full_name()


class OwnSubscriptionInline(admin.TabularInline):
    model = AzureSubscription
    fk_name = "owner_partner"
    extra = 0
    show_change_link = True
    verbose_name = _("own Azure subscription")
    verbose_name_plural = _("own Azure subscriptions")
    fields = ("name", "subscription_id", "is_active")


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "partner_number",
        "membership_level",
        "region",
        "country_name",
        "csp_role",
        "contact",
        # The membership start is on the partner's page; its next renewal shows the cycle.
        "renewal_date",
        "is_active",
    )
    list_filter = ("membership_level", "region", "csp_role", "is_active")
    search_fields = ("name", "partner_number", "membership_email", "technical_contact_email")
    list_select_related = ("technical_contact",)
    autocomplete_fields = ("technical_contact",)
    readonly_fields = ("renewal_date", "created_at")
    fieldsets = (
        (None, {"fields": ("name", "partner_number", "is_active")}),
        (
            _("Membership"),
            {
                "fields": (
                    "membership_level",
                    ("membership_start", "renewal_date"),
                    ("region", "country"),
                    "csp_role",
                    "membership_email",
                )
            },
        ),
        (
            _("Designated technical contact"),
            {
                "fields": (
                    "technical_contact",
                    ("technical_contact_name", "technical_contact_email"),
                )
            },
        ),
        (_("Record"), {"fields": ("created_at",)}),
    )
    inlines = (LocationInline, PartnerCompetencyInline, PartnerUserInline, OwnSubscriptionInline)

    @admin.display(description=_("next renewal"))
    def renewal_date(self, obj):
        return obj.renewal_date

    @admin.display(description=_("country"), ordering="country")
    def country_name(self, obj):
        # The country's name by its code; the admin's own display would search the
        # ~250 choices once per row (a quarter of a second for a page of 100).
        return obj.country.name

    @admin.display(
        description=_("designated technical contact"), ordering="technical_contact__last_name"
    )
    def contact(self, obj):
        if obj.technical_contact_id is None:
            return obj.technical_contact_name or None
        return person(obj.technical_contact)


# --- Competencies and the eligibility table -------------------------------------


class EligibilityRuleInline(admin.TabularInline):
    model = EligibilityRule
    extra = 0
    fields = ("product", "available_from", "requires_renewal", "shown_from", "note")


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin):
    list_display = (*TRANSLATED_NAME_FIELDS, "family")
    list_filter = ("family",)
    search_fields = TRANSLATED_NAME_FIELDS
    fields = ("family", *TRANSLATED_NAME_FIELDS)
    inlines = (EligibilityRuleInline,)


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(admin.ModelAdmin):
    list_display = (
        "product",
        "competency",
        "competency_family",
        "available_from",
        "requires_renewal",
        "shown_from",
        "note",
    )
    list_filter = ("product", "requires_renewal", "competency__family")
    search_fields = ("competency__name", "note")
    list_select_related = ("competency",)
    autocomplete_fields = ("competency",)

    @admin.display(description=_("family"), ordering="competency__family")
    def competency_family(self, obj):
        return obj.competency.get_family_display()


# --- People -------------------------------------------------------------------


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "partner",
        "partner_role",
        "is_staff",
        "is_active",
    )
    list_filter = (
        "partner_role",
        "account_kind",
        "is_staff",
        "is_superuser",
        "is_active",
        "groups",
    )
    search_fields = ("username", "first_name", "last_name", "email", "partner__name")
    list_select_related = ("partner",)
    autocomplete_fields = ("partner",)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            _("Partner"),
            {"fields": ("partner", "partner_role", "account_kind")},
        ),
        (
            _("Profile"),
            {
                "fields": (
                    "phone",
                    "alternate_email",
                    "time_zone",
                    "language",
                    "contact_method",
                    "profile_completed_at",
                )
            },
        ),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (
            _("Partner"),
            {
                "fields": (
                    "email",
                    "first_name",
                    "last_name",
                    "partner",
                    "partner_role",
                    "account_kind",
                )
            },
        ),
    )


# --- Customers, subscriptions, service health ----------------------------------


class CustomerPartnerInline(admin.TabularInline):
    model = CustomerPartner
    extra = 0
    autocomplete_fields = ("partner",)


class CustomerSubscriptionInline(admin.TabularInline):
    model = AzureSubscription
    fk_name = "owner_customer"
    extra = 0
    show_change_link = True
    autocomplete_fields = ("provider",)
    fields = ("name", "subscription_id", "provider", "is_active")


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("name", "tenant_domain")
    search_fields = ("name", "tenant_domain")
    inlines = (CustomerPartnerInline, CustomerSubscriptionInline)


class SubscriptionRoleInline(admin.TabularInline):
    model = SubscriptionRole
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(AzureSubscription)
class AzureSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("name", "subscription_id", "owner_partner", "owner_customer", "provider")
    list_filter = ("is_active",)
    search_fields = (
        "name",
        "subscription_id",
        "owner_partner__name",
        "owner_customer__name",
        "owner_customer__tenant_domain",
    )
    list_select_related = ("owner_partner", "owner_customer", "provider")
    autocomplete_fields = ("owner_partner", "owner_customer", "provider")
    inlines = (SubscriptionRoleInline,)


@admin.register(ServiceHealthEvent)
class ServiceHealthEventAdmin(admin.ModelAdmin):
    list_display = ("title", "customer", "service", "status", "started_at", "resolved_at")
    list_filter = ("service", "status")
    search_fields = ("title", "details", "customer__name", "customer__tenant_domain")
    list_select_related = ("customer",)
    autocomplete_fields = ("customer",)
    date_hierarchy = "started_at"
