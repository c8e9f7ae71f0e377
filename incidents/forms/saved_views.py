"""The queue's "save these filters" form: a name and the filters, whitelisted."""

from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from .followup import QueueFilterForm


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name of this view"), max_length=80, strip=True)
    filters = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def clean_filters(self) -> str:
        """Only the queue's own filter parameters are kept (no cursor, nothing else)."""
        given = QueryDict(self.cleaned_data.get("filters") or "")
        kept = QueryDict(mutable=True)
        for name in QueueFilterForm.base_fields:
            value = given.get(name)
            if value:
                kept[name] = value
        filters = QueueFilterForm(kept)
        if not filters.is_valid():
            raise forms.ValidationError(
                _("These filters were not understood; apply them again first."), code="invalid"
            )
        return kept.urlencode()
