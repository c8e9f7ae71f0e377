"""Forms of the CSP service request on behalf of a customer (SPEC §4.4)."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _lazy

from contracts.models import Platform
from incidents.csp import (
    RequestType,
    customer_address_refusal,
    non_technical_azure_refusal,
    who_may_open_non_technical,
)
from incidents.forms.bootstrap import BootstrapForm
from incidents.forms.common import (
    TITLE_REQUIRED,
    SeverityRuleMixin,
    is_24x7_field,
    severity_field,
)
from incidents.forms.lists import time_zone_field
from incidents.models import TEXT_MAX_LENGTH, TITLE_MAX_LENGTH
from partners.models import AzureSubscription


class SubscriptionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, subscription: AzureSubscription) -> str:
        return f"{subscription.name} ({subscription.subscription_id})"


class CspRequestForm(SeverityRuleMixin, BootstrapForm):
    request_type = forms.ChoiceField(
        label=_lazy("Type of request"), choices=RequestType.choices, widget=forms.RadioSelect
    )
    subscription = SubscriptionChoiceField(
        label=_lazy("Customer's Azure subscription"),
        queryset=AzureSubscription.objects.none(),
    )
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
    severity = severity_field()
    is_24x7 = is_24x7_field()
    contact_name = forms.CharField(label=_lazy("Your name"), max_length=200)
    contact_email = forms.EmailField(label=_lazy("Your e-mail address"), max_length=254)
    contact_phone = forms.CharField(label=_lazy("Your phone number"), max_length=40)
    time_zone = time_zone_field(label=_lazy("Your time zone"))
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, user, customer, platform, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.customer = customer
        self.platform = platform
        self.fields["is_24x7"].widget.attrs["data-only-severity-a"] = self.add_prefix("severity")
        self.is_azure = platform == Platform.AZURE
        if self.is_azure:
            subscriptions = customer.subscriptions.filter(is_active=True).order_by("name")
            self.fields["subscription"].queryset = subscriptions
            if not self.is_bound and len(subscriptions) == 1:
                self.initial.setdefault("subscription", subscriptions[0].pk)
            self.who_may_open_non_technical = who_may_open_non_technical(customer)
            self.fields["request_type"].help_text = self.who_may_open_non_technical
        else:
            del self.fields["subscription"]
            self.who_may_open_non_technical = ""
        if not self.is_bound:
            # The partner's contact details, never the customer's (seed 001).
            self.initial.setdefault("contact_name", user.get_full_name() or user.username)
            self.initial.setdefault("contact_email", user.email)
            self.initial.setdefault("contact_phone", str(user.phone or ""))
            self.initial.setdefault("time_zone", user.time_zone or "UTC")
            self.initial.setdefault("request_type", RequestType.TECHNICAL)
            self.initial.setdefault("submission_key", uuid.uuid4())

    def clean_contact_email(self):
        email = self.cleaned_data["contact_email"]
        refusal = customer_address_refusal(self.customer, email)
        if refusal:
            raise forms.ValidationError(refusal)
        return email

    def clean(self):
        cleaned = super().clean()
        if (
            self.is_azure
            and cleaned.get("request_type") == RequestType.NON_TECHNICAL
            and "subscription" in cleaned
        ):
            refusal = non_technical_azure_refusal(
                self.user.partner, self.customer, cleaned.get("subscription")
            )
            if refusal:
                # Said once, in the error summary (the field's help text states the rule).
                self.add_error(None, refusal)
        return cleaned
