"""Choosing 1 or 5 incidents, and consenting before paying. Forms validate only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PriceListEntry, Quantity


class EntryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, entry: PriceListEntry) -> str:
        return entry.product.label


class ChooseForm(forms.Form):
    """Step 1: the product family and 1 or 5 incidents (the 5-pack only where offered)."""

    entry = EntryChoiceField(
        label=_("Product"),
        queryset=PriceListEntry.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("This product is not sold in your region.")},
    )
    quantity = forms.TypedChoiceField(
        label=_("How many incidents?"),
        coerce=int,
        choices=Quantity.choices,
        widget=forms.RadioSelect,
        initial=Quantity.SINGLE,
        error_messages={"invalid_choice": _("The 5-pack is not offered in your region.")},
        help_text=_(
            "We recommend buying one incident, unless you will use all five within a year: "
            "a plan ends one year after purchase."
        ),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, entries=None, **kwargs):
        super().__init__(*args, **kwargs)
        entries = entries if entries is not None else PriceListEntry.objects.none()
        self.fields["entry"].queryset = entries
        # The 5-pack is shown only where the price list offers it.
        if not any(entry.five_pack_offered for entry in entries):
            self.fields["quantity"].choices = [(Quantity.SINGLE, Quantity.SINGLE.label)]

    def clean(self):
        cleaned = super().clean()
        entry, quantity = cleaned.get("entry"), cleaned.get("quantity")
        if entry is not None and quantity is not None and entry.price_for(quantity) is None:
            self.add_error("quantity", _("The 5-pack is not offered in your region."))
        return cleaned


class ConsentForm(ChooseForm):
    """Step 2: the same choice, carried in hidden fields, plus the consent and the checkout key."""

    consent = forms.BooleanField(
        label=_(
            "I understand that I will be charged immediately. This transaction is subject to "
            "the Services Agreement."
        ),
        error_messages={"required": _("Tick the box to agree before paying.")},
    )
    checkout_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].widget = forms.HiddenInput()
        self.fields["quantity"].widget = forms.HiddenInput()
