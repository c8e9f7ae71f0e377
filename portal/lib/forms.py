"""Form pieces every app shares: the crispy helper of a wizard step and the time-zone list."""

from __future__ import annotations

import functools
import zoneinfo

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from phonenumber_field.phonenumber import PhoneNumber, to_python
from phonenumber_field.widgets import RegionalPhoneNumberWidget


def form_helper(*layout) -> FormHelper:
    """Crispy helper for a form rendered inside the page's own ``<form>``.

    The page writes the ``<form>`` tag and the CSRF token (a wizard keeps its
    management form in the same ``<form>``); ``layout`` optionally orders the fields.
    """
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if layout:
        helper.layout = Layout(*layout)
    return helper


class InternationalPhoneWidget(RegionalPhoneNumberWidget):
    """A phone number is shown in one format everywhere: international ("+36 1 555 0101"),
    also in a form, where phonenumber_field would show a number of the partner's
    country in its national format ("(06 1) 555 0101"). Typing either still works."""

    def format_value(self, value):
        number = value
        if not isinstance(number, PhoneNumber):
            try:
                number = to_python(value, region=self.region)
            except TypeError:
                number = None
        if isinstance(number, PhoneNumber) and number.is_valid():
            return number.as_international
        return super().format_value(value)


@functools.cache
def time_zone_choices() -> list[tuple[str, str]]:
    """The one list of time zones a user picks from (profile and every incident channel).

    UTC first, then the tz database's "Area/Location" zones; aliases without an area
    and the "Etc/GMT+3" style zones (whose sign is inverted) only confuse people.
    """
    names = sorted(
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "posix/", "right/"))
    )
    return [("UTC", "UTC")] + [(name, name.replace("_", " ")) for name in names]
