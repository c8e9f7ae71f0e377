"""The Azure wizard's step fields, drawn once and then read from the cache (issue 21).

Drawing a step's fields through their templates is the largest part of a step page
(≈ 3 ms for the contact and details steps, ≈ 1.7 ms for the topic step, CPU in the bench
walk). A form that is not bound draws the same HTML whenever it has the same
fields, labels, help texts, attributes, initial values and choices, in the same language:
:func:`fields_fragment` digests exactly those into the key of the fragment
(templates/incidents/azure/step.html). The lists are part of the key as they are shown
(the topics, the subscriptions with their owners' names), so a fragment is never stale: a
change of what a step shows is a new key. The TTL only bounds the memory the entries take.

Never cached: a bound form (posted, with its errors, or rebuilt from stored answers), and a
form refreshed with posted values as its initial values (``RefreshableWizardMixin``), whose
keys a client could vary at will.
"""

from __future__ import annotations

import hashlib

from django import forms
from django.db.models import Model
from django.forms.models import ModelChoiceIteratorValue
from django.utils.translation import get_language

from incidents.forms.widgets import CachedOptionsSelect

# Bounds memory (and a template changed by a deploy with a shared cache), not staleness.
FIELDS_FRAGMENT_SECONDS = 300
# Part of every key: change it when the step's field templates draw something new that the
# key does not name.
FIELDS_FRAGMENT_VERSION = 1


def fields_fragment(form: forms.Form) -> dict | None:
    """The ``{% cache %}`` arguments of ``form``'s fields, or None to draw them afresh."""
    if form.is_bound:
        return None
    drawn = (FIELDS_FRAGMENT_VERSION, get_language(), _form_drawn(form))
    return {
        "seconds": FIELDS_FRAGMENT_SECONDS,
        "key": hashlib.sha256(repr(_plain(drawn)).encode()).hexdigest(),
    }


def _form_drawn(form: forms.Form) -> tuple:
    return (
        type(form).__module__,
        type(form).__qualname__,
        form.prefix,
        form.auto_id,
        form.use_required_attribute,
        # What incidents/includes/form_fields.html reads off a BootstrapForm.
        getattr(form, "rules_before", None),
        getattr(form, "indented", None),
        getattr(form, "refresh_after", None),
        getattr(form, "refresh_name", None),
        [_field_drawn(form, name, field) for name, field in form.fields.items()],
    )


def _field_drawn(form: forms.Form, name: str, field: forms.Field) -> tuple:
    widget = field.widget
    if isinstance(widget, CachedOptionsSelect):
        # A fixed list (time zones, countries), itself cached under this name (widgets.py).
        choices = ("list", widget.cache_name)
    else:
        choices = list(getattr(widget, "choices", None) or ())
    bound = form[name]
    return (
        name,
        type(field).__qualname__,
        type(widget).__qualname__,
        field.label,
        field.help_text,
        field.required,
        field.disabled,
        field.localize,
        field.show_hidden_initial,
        widget.attrs,
        bound.value(),
        choices,
    )


def _plain(value):
    """``value`` as plain, comparable data: lazy texts translated, objects by their pk."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return tuple(_plain(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _plain(v)) for k, v in value.items()))
    if isinstance(value, ModelChoiceIteratorValue):
        return _plain(value.value)
    if isinstance(value, Model):
        return (value._meta.label, value.pk)
    return (type(value).__qualname__, str(value))
