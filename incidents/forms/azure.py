"""The steps of the Microsoft Azure incident wizard (SPEC §4.2, seed 000)."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from phonenumber_field.formfields import PhoneNumberField

from contracts.models import Contract, ContractKind, ContractOption, Product
from incidents.azure import (
    azure_contract_kind_refusal,
    azure_product,
    read_usable_subscriptions,
    usable_subscriptions,
)
from incidents.forms.bootstrap import BootstrapForm
from incidents.forms.common import (
    TITLE_REQUIRED,
    SeverityRuleMixin,
    StartTimeField,
    is_24x7_field,
    severity_field,
)
from incidents.forms.contract_step import (
    ContractStepForm,
    by_model_ordering,
    usable_contracts_queryset,
)
from incidents.forms.lists import time_zone_field
from incidents.forms.taxonomy import PreloadedChoiceMixin, TopicChainMixin, TopicChoiceField
from incidents.models import TEXT_MAX_LENGTH, TITLE_MAX_LENGTH, RoutedTeam, Tree
from partners.models import AzureSubscription
from portal.lib.forms import InternationalPhoneWidget
from portal.lib.uploads import AttachmentsField

PROFESSIONAL = "professional"
BILLING = "billing"


# --- 1. Other support options ----------------------------------------------------


class SupportOptionForm(BootstrapForm):
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
        # The prerequisites whose fix is an error of this form: the list above the form
        # does not repeat it (templates/incidents/azure/prerequisites.html).
        self.reported: set[str] = set()

    def clean(self):
        cleaned = super().clean()
        # Validated against incidents.azure.azure_prerequisites(), which the wizard computes.
        unmet = {p.key: p for p in self.prerequisites or () if not p.met}
        if "subscription" in unmet:
            # Even billing support is for Azure subscribers only.
            self._report(unmet["subscription"])
        if cleaned.get("option") == PROFESSIONAL:
            for key in ("technical_contact", "email_matches"):
                if key in unmet:
                    self._report(unmet[key])
                    break
        return cleaned

    def _report(self, prerequisite) -> None:
        self.add_error(None, prerequisite.fix)
        self.reported.add(prerequisite.key)


# --- 2. Product, Problem type, Category --------------------------------------------


class AzureTopicForm(TopicChainMixin, BootstrapForm):
    tree = Tree.AZURE
    chain_fields = ("product", "problem_type", "category")

    product = TopicChoiceField(label=_lazy("Product"), queryset=None)
    problem_type = TopicChoiceField(label=_lazy("Problem type"), queryset=None)
    category = TopicChoiceField(label=_lazy("Category"), queryset=None)

    def __init__(self, *args, option=None, **kwargs):
        # Billing lists only the billing topics: a fault of a service (e.g. Virtual
        # Machines) is not filed, and silently routed, as a billing question.
        self.option = option
        super().__init__(*args, **kwargs)
        self.setup_chain()
        if option == BILLING:
            self.fields["product"].error_messages["invalid_choice"] = _lazy(
                "Billing and subscription management covers invoices and subscriptions "
                "only. For a technical problem, go back to the first step and choose "
                "Microsoft Professional Contract Support."
            )

    def chain_roots(self):
        roots = super().chain_roots()
        if self.option == BILLING:
            roots &= Q(routes_to=RoutedTeam.BILLING)
        return roots

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
        offered = [option.contract.pk for option in self.usable]
        usable, other_kind = [], []
        for option in self.usable:
            refusal = azure_contract_kind_refusal(option.contract)
            if refusal:
                other_kind.append(ContractOption(option.contract, refusal))
            else:
                usable.append(option)
        self.usable = usable
        self.unavailable = self.unavailable + other_kind
        self.fields["contract"].preload(
            usable_contracts_queryset(offered, kind=ContractKind.SIGNATURE_CLOUD),
            by_model_ordering([option.contract for option in usable]),
            model=Contract,
        )
        self.fields["contract"].error_messages["invalid_choice"] = _(
            "This support plan cannot be used (any more): see the unavailable support plans. "
            "Choose another one, or add one with its Access ID and Contract ID."
        )
        # Keep a preselection only if it is one of these (e.g. the contract just added
        # inside the wizard); the base form may have chosen the only one of any kind.
        if self.initial.get("contract") not in {o.contract.pk for o in usable}:
            self.initial.pop("contract", None)
        if len(self.usable) == 1 and not self.is_bound:
            self.initial["contract"] = self.usable[0].contract.pk


# --- 4. Your contact information -----------------------------------------------------


class ContactForm(BootstrapForm):
    phone = PhoneNumberField(
        label=_lazy("Telephone number"),
        widget=InternationalPhoneWidget,
        help_text=_lazy("In international format, for example +36 1 234 5678."),
    )
    email = forms.EmailField(label=_lazy("E-mail address"), max_length=254)
    time_zone = time_zone_field(label=_lazy("Time zone"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)


# --- 5. Problem details --------------------------------------------------------------


class SubscriptionChoiceField(PreloadedChoiceMixin, forms.ModelChoiceField):
    def label_from_instance(self, obj):
        owner = obj.owner_customer or obj.owner_partner
        return f"{obj.name} ({obj.subscription_id}) — {owner.name if owner else ''}"


class DetailsForm(SeverityRuleMixin, BootstrapForm):
    title = forms.CharField(
        label=_lazy("Title"),
        max_length=TITLE_MAX_LENGTH,
        error_messages={"required": TITLE_REQUIRED},
    )
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
    severity = severity_field()
    is_24x7 = is_24x7_field()
    error_message = forms.CharField(
        label=_lazy("Error message"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    started_at = StartTimeField(label=_lazy("When did the problem start?"))
    files = AttachmentsField(label=_lazy("Files"))

    def __init__(self, *args, user=None, time_zone=None, subscriptions=None, **kwargs):
        """``subscriptions``: :func:`incidents.azure.usable_subscriptions` of ``user`` if the
        wizard read them already."""
        super().__init__(*args, **kwargs)
        self.user = user
        # The files' help text is lazy (portal.lib.uploads) and read four times when the field
        # is drawn (shown, tested, aria-describedby): put into this request's language once.
        files = self.fields["files"]
        files.help_text = str(files.help_text)
        self.fields["started_at"].use_time_zone(time_zone)
        if user is not None:
            if subscriptions is None:
                # one read: the list and its validation
                subscriptions = read_usable_subscriptions(user)
            # The queryset is built only if something asks for it (issue 21).
            self.fields["subscription"].preload(
                lambda: usable_subscriptions(user), subscriptions, model=AzureSubscription
            )
            if not self.is_bound and len(subscriptions) == 1:
                self.initial.setdefault("subscription", subscriptions[0].pk)
