"""The long fixed lists of the incident forms: time zones (519) and countries (250).

Walking such a list costs about a millisecond each time Django validates a choice or the
review looks up its label, and rendering it 30-70 ms; these fields validate and label
by a look-up in a dict built once (per language for the countries), and render through
:class:`~incidents.forms.widgets.CachedOptionsSelect`.
"""

from __future__ import annotations

import functools

from django import forms
from django.utils import translation
from django_countries import countries

from incidents.forms.taxonomy import SELECT_PLACEHOLDER
from incidents.forms.widgets import CachedOptionsSelect
from portal.lib.forms import time_zone_choices


@functools.cache
def time_zone_labels() -> dict[str, str]:
    """``{value: label}`` of :func:`portal.lib.forms.time_zone_choices`, in its order."""
    return dict(time_zone_choices())


def country_labels() -> dict[str, str]:
    """``{code: name}`` of every country, by name in the active language; "" first."""
    return _country_labels(translation.get_language() or "en")


@functools.lru_cache(maxsize=16)
def _country_labels(language: str) -> dict[str, str]:
    with translation.override(language):
        return {"": str(SELECT_PLACEHOLDER), **{code: str(name) for code, name in countries}}


class LookupChoiceField(forms.ChoiceField):
    """A choice of a long fixed list given as ``labels()`` → ``{value: label}``."""

    def __init__(self, *, labels, cache_name: str, **kwargs):
        self.labels = labels
        kwargs.setdefault(
            "widget",
            CachedOptionsSelect(
                cache_name,
                listed=lambda value: value in labels(),
                first_value=lambda: next(iter(labels()), None),
            ),
        )
        super().__init__(choices=lambda: list(labels().items()), **kwargs)

    def valid_value(self, value) -> bool:
        return str(value) in self.labels()

    def label_of(self, value) -> str:
        """What the review shows for ``value`` (the value itself if it is not listed)."""
        return self.labels().get(str(value), value)


def time_zone_field(**kwargs) -> LookupChoiceField:
    return LookupChoiceField(labels=time_zone_labels, cache_name="time_zones", **kwargs)


def country_field(**kwargs) -> LookupChoiceField:
    return LookupChoiceField(labels=country_labels, cache_name="countries", **kwargs)
