"""Fields and rules every incident channel shares (Office 365, Azure, Business, CSP).

* severity and the 24/7 box: ``severity_field()``, ``is_24x7_field()`` and
  ``SeverityRuleMixin`` (24/7 only with severity A; the model constraint
  ``only_severity_a_is_24x7`` is the last line of defence);
* "when did the problem start": ``StartTimeField``, typed as wall-clock time in the
  user's time zone and never in the future.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incidents.models import Severity

# A missing title says what to do (every wizard's title field).
TITLE_REQUIRED = _("Enter a title that sums up the problem.")

DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
# A clock a few minutes fast is not "in the future".
FUTURE_TOLERANCE = dt.timedelta(minutes=5)


def severity_field(**overrides) -> forms.ChoiceField:
    options = {"label": _("Severity"), "choices": Severity.choices, "widget": forms.RadioSelect}
    return forms.ChoiceField(**{**options, **overrides})


def is_24x7_field(**overrides) -> forms.BooleanField:
    options = {
        "label": _("I need 24/7 support"),
        "required": False,
        "help_text": _("Available only with severity A (critical)."),
    }
    return forms.BooleanField(**{**options, **overrides})


class SeverityRuleMixin:
    """24/7 support only with severity A, reported on the 24/7 box."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_24x7") and cleaned.get("severity") not in (None, Severity.A):
            self.add_error(
                "is_24x7",
                ValidationError(
                    _(
                        "24/7 support can be chosen only with severity A. Choose severity A, "
                        "or clear the 24/7 box."
                    ),
                    code="24x7_needs_a",
                ),
            )
        return cleaned


class StartTimeField(forms.DateTimeField):
    """When the problem started, as typed in the user's time zone; not in the future.

    The form calls ``use_time_zone(name)``; without it the active time zone is used.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL_FORMAT)
    input_formats = [DATETIME_LOCAL_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
    default_error_messages = {
        "required": _("Enter when the problem started."),
        "invalid": _("Enter the date and time the problem started, e.g. 2026-03-01 09:30."),
        "future": _("The start time cannot be in the future."),
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.zone = None

    def use_time_zone(self, name: str | None) -> None:
        """Read entries in zone ``name`` (UTC when unknown); the help text names it."""
        if name is None:
            return
        try:
            self.zone = zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            self.zone = zoneinfo.ZoneInfo("UTC")
        self.help_text = _("In your time zone (%(tz)s).") % {"tz": self.zone.key}

    def clean(self, value):
        value = super().clean(value)
        if value is None:
            return value
        # The browser sends wall-clock time: read it in the user's own time zone.
        if self.zone is not None:
            naive = timezone.make_naive(value) if timezone.is_aware(value) else value
            value = naive.replace(tzinfo=self.zone)
        if value > timezone.now() + FUTURE_TOLERANCE:
            raise ValidationError(self.error_messages["future"], code="future")
        return value
