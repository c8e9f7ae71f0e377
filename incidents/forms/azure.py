"""The steps of the Microsoft Azure incident wizard (SPEC §4.2, seed 000)."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from phonenumber_field.formfields import PhoneNumberField

from contracts.models import Contract, ContractKind, ContractOption, Platform, Product
from incidents.forms.contract_step import ContractStepForm, by_model_ordering
from incidents.forms.taxonomy import PreloadedChoiceMixin, TopicChainMixin, TopicChoiceField
from incidents.models import TEXT_MAX_LENGTH, TITLE_MAX_LENGTH, Severity, Tree
from partners.models import AzureSubscription, ScsProduct, SubscriptionRole, User
from portal.lib.uploads import AttachmentsField

PROFESSIONAL = "professional"
BILLING = "billing"


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


# --- prerequisites (SPEC §4.2) ------------------------------------------------


@dataclass(frozen=True)
class Prerequisite:
    key: str
    label: str
    met: bool
    fix: str = ""  # what to do when not met
    blocking: bool = True  # False: a warning; the incident is recorded but rejected


def signature_cloud_contracts(user):
    return Contract.objects.registered_to(user).filter(kind=ContractKind.SIGNATURE_CLOUD)


def azure_holdings(user) -> tuple[bool, bool]:
    """(holds a Signature Cloud contract, administers an active Azure subscription): one query."""
    row = (
        User.objects.filter(pk=user.pk)
        .values_list(
            Exists(signature_cloud_contracts(user)),
            Exists(AzureSubscription.objects.administered_by(user).filter(is_active=True)),
        )
        .first()
    )
    return (bool(row[0]), bool(row[1])) if row else (False, False)


def azure_prerequisites(
    user, on=None, *, holdings=None, with_eligibility=True
) -> list[Prerequisite]:
    """Each prerequisite of an Azure Signature Cloud Support incident, met or not, with its fix.

    ``holdings``: :func:`azure_holdings` if already known. ``with_eligibility=False``
    leaves out the (non-blocking) eligibility, which costs two more queries.
    """
    partner = user.partner
    on = on or timezone.localdate()
    on_record = partner.technical_contact_email if partner else ""
    is_contact = bool(partner and partner.technical_contact_id == user.pk)
    eligibility = (
        partner.eligibility_for(ScsProduct.AZURE, on=on) if partner and with_eligibility else None
    )
    has_contract, has_subscription = holdings if holdings is not None else azure_holdings(user)
    prerequisites = [
        Prerequisite(
            "technical_contact",
            _("You are your partner's designated technical contact."),
            is_contact,
            _(
                "Ask your partner's global admin to record you as the technical contact "
                "in the Partner Membership Center, or ask the technical contact to submit."
            ),
        ),
        Prerequisite(
            "email_matches",
            _("Your e-mail address matches the technical contact's e-mail on record."),
            user.is_designated_technical_contact,
            _(
                "Your e-mail address is %(mine)s but the one on record is %(record)s. Change "
                "the e-mail in your profile, or have the Partner Membership Center record updated."
            )
            % {"mine": user.email or "—", "record": on_record or "—"},
        ),
        Prerequisite(
            "contract",
            _("You hold a Signature Cloud Support contract (Access ID + Contract ID)."),
            bool(has_contract),
            _(
                'Add it in the step "Select a contract" with the Access ID and Contract ID '
                "that were sent to your primary program contact. They differ from the IDs "
                "of ordinary Partner Network support."
            ),
        ),
        Prerequisite(
            "subscription",
            _(
                "You have a Microsoft Azure subscription on which you are service "
                "administrator or co-administrator."
            ),
            bool(has_subscription),
            _(
                "Ask the account administrator of your Azure subscription to add you as "
                "service administrator or co-administrator (for a customer's subscription: "
                "co-administrator)."
            ),
        ),
    ]
    if with_eligibility:
        prerequisites.insert(
            2,
            Prerequisite(
                "eligible",
                _("Your partner is eligible for Microsoft Azure Signature Cloud Support."),
                bool(eligibility),
                _(
                    "%(reason)s You may still submit, but the incident will be rejected. "
                    "Billing and subscription management requests are not affected."
                )
                % {"reason": eligibility.reason if eligibility else ""},
                blocking=False,
            ),
        )
    return prerequisites


def azure_product() -> Product | None:
    return Product.objects.filter(platform=Platform.AZURE, is_active=True).order_by("pk").first()


# --- 1. Other support options ----------------------------------------------------


class SupportOptionForm(forms.Form):
    option = forms.ChoiceField(
        label=_lazy("Which support do you need?"),
        choices=[
            (
                PROFESSIONAL,
                _lazy(
                    "Microsoft Professional Contract Support (for MSDN, TechNet, "
                    "Partner Network subscribers)"
                ),
            ),
            (
                BILLING,
                _lazy(
                    "Billing and subscription management (free for every Azure "
                    "subscriber; no contract needed)"
                ),
            ),
        ],
        widget=forms.RadioSelect,
        initial=PROFESSIONAL,
    )

    def __init__(self, *args, user=None, prerequisites=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # The wizard passes the prerequisites it computed once for the request.
        self.prerequisites = prerequisites
        self.helper = _helper()

    def clean(self):
        cleaned = super().clean()
        if self.user is None:
            return cleaned
        prerequisites = self.prerequisites
        if prerequisites is None:
            prerequisites = azure_prerequisites(self.user)
        unmet = {p.key: p for p in prerequisites if not p.met}
        if "subscription" in unmet:
            # Even billing support is for Azure subscribers only.
            self.add_error(None, unmet["subscription"].fix)
        if cleaned.get("option") == PROFESSIONAL:
            for key in ("technical_contact", "email_matches"):
                if key in unmet:
                    self.add_error(None, unmet[key].fix)
                    break
        return cleaned


# --- 2. Product, Problem type, Category --------------------------------------------


class AzureTopicForm(TopicChainMixin, forms.Form):
    tree = Tree.AZURE
    chain_fields = ("product", "problem_type", "category")

    product = TopicChoiceField(label=_lazy("Product"), queryset=None)
    problem_type = TopicChoiceField(label=_lazy("Problem type"), queryset=None)
    category = TopicChoiceField(label=_lazy("Category"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_chain()
        self.helper = _helper()

    def clean(self):
        cleaned = super().clean()
        product, problem_type, category = (cleaned.get(n) for n in self.chain_fields)
        # The lists are narrowed on the server too: a forged pair never validates.
        if product and problem_type and problem_type.parent_id != product.pk:
            self.add_error("problem_type", _("Choose a problem type of the chosen product."))
        if problem_type and category and category.parent_id != problem_type.pk:
            self.add_error("category", _("Choose a category of the chosen problem type."))
        return cleaned

    def catalogue_product(self) -> Product | None:
        root = self.cleaned_data.get("product")
        return (root.product if root and root.product_id else None) or azure_product()


# --- 3. Select a contract -----------------------------------------------------------


class AzureContractForm(ContractStepForm):
    """Only a Signature Cloud Support contract pays for an Azure incident; the user's
    other registered contracts are listed as unavailable with that reason."""

    def __init__(self, *args, **kwargs):
        kwargs["kinds"] = None
        super().__init__(*args, **kwargs)
        usable, other_kind = [], []
        for option in self.usable:
            if option.contract.kind == ContractKind.SIGNATURE_CLOUD:
                usable.append(option)
            else:
                other_kind.append(
                    ContractOption(
                        option.contract,
                        _(
                            "%(kind)s cannot be used here: Azure incidents need a Signature "
                            "Cloud Support contract."
                        )
                        % {"kind": option.contract.get_kind_display()},
                    )
                )
        self.usable = usable
        self.unavailable = self.unavailable + other_kind
        self.fields["contract"].preload(
            self.fields["contract"].queryset.filter(kind=ContractKind.SIGNATURE_CLOUD),
            by_model_ordering([option.contract for option in usable]),
        )
        self.fields["contract"].error_messages["invalid_choice"] = _(
            "This support plan cannot be used (any more): see the unavailable support plans. "
            "Choose another one, or add one with its Access ID and Contract ID."
        )
        self.initial.pop("contract", None)
        if len(self.usable) == 1 and not self.is_bound:
            self.initial["contract"] = self.usable[0].contract.pk
        self.helper = _helper()


# --- 4. Your contact information -----------------------------------------------------


@functools.cache
def time_zone_choices() -> list[tuple[str, str]]:
    names = sorted(zoneinfo.available_timezones() | {"UTC"})
    return [(name, name.replace("_", " ")) for name in names]


class ContactForm(forms.Form):
    phone = PhoneNumberField(
        label=_lazy("Telephone number"),
        help_text=_lazy("In international format, for example +36 1 234 5678."),
    )
    email = forms.EmailField(label=_lazy("E-mail address"), max_length=254)
    time_zone = forms.ChoiceField(label=_lazy("Time zone"), choices=time_zone_choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


# --- 5. Problem details --------------------------------------------------------------


class SubscriptionChoiceField(PreloadedChoiceMixin, forms.ModelChoiceField):
    def label_from_instance(self, obj):
        owner = obj.owner_customer or obj.owner_partner
        return f"{obj.name} ({obj.subscription_id}) — {owner.name if owner else ''}"


class DetailsForm(forms.Form):
    title = forms.CharField(label=_lazy("Title"), max_length=TITLE_MAX_LENGTH)
    description = forms.CharField(
        label=_lazy("Description"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    subscription = SubscriptionChoiceField(
        label=_lazy("Azure subscription"),
        queryset=AzureSubscription.objects.none(),
        help_text=_lazy(
            "Only subscriptions on which you are service administrator or co-administrator "
            "(a customer's: co-administrator). To help a customer otherwise, reproduce the "
            "problem on your own subscription, or ask for best-effort support that needs no "
            "access to the customer's subscription."
        ),
    )
    severity = forms.ChoiceField(
        label=_lazy("Severity"), choices=Severity.choices, widget=forms.RadioSelect
    )
    is_24x7 = forms.BooleanField(
        label=_lazy("I need 24/7 support (severity A only)"), required=False
    )
    error_message = forms.CharField(
        label=_lazy("Error message"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    started_at = forms.DateTimeField(
        label=_lazy("When did the problem start?"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    files = AttachmentsField(label=_lazy("Files"))

    def __init__(self, *args, user=None, time_zone=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.time_zone = time_zone
        if user is not None:
            queryset = (
                AzureSubscription.objects.administered_by(user)
                .filter(is_active=True)
                .select_related("owner_customer", "owner_partner")
                .annotate(
                    # The user's role on it, recorded on the incident.
                    user_role=Subquery(
                        SubscriptionRole.objects.filter(subscription=OuterRef("pk"), user=user)
                        .order_by("pk")
                        .values("role")[:1]
                    )
                )
                .order_by("name", "pk")
            )
            subscriptions = list(queryset)  # one read: the list and its validation
            self.fields["subscription"].preload(queryset, subscriptions)
            if not self.is_bound and len(subscriptions) == 1:
                self.initial.setdefault("subscription", subscriptions[0].pk)
        self.helper = _helper()

    def clean_started_at(self):
        value = self.cleaned_data["started_at"]
        if value and self.time_zone:
            # Typed as a wall-clock time in the contact's time zone (step "contact").
            try:
                zone = zoneinfo.ZoneInfo(self.time_zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                zone = None
            if zone is not None:
                naive = timezone.make_naive(value)
                value = timezone.make_aware(naive, zone)
        if value and value > timezone.now() + dt.timedelta(minutes=5):
            raise forms.ValidationError(_("The start time cannot be in the future."))
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_24x7") and cleaned.get("severity") not in (None, Severity.A):
            self.add_error("is_24x7", _("24/7 support can be chosen only with severity A."))
        return cleaned
