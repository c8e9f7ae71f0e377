"""Step forms of the one-time profile wizard (SPEC §2 "People", seed 002).

Forms only validate; ``partners.services.complete_profile`` saves.
"""

from __future__ import annotations

import functools
from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from portal.lib.forms import InternationalPhoneWidget, time_zone_choices
from portal.lib.forms import form_helper as _helper

from .models import User

ZONE_TAB = Path("/usr/share/zoneinfo/zone.tab")


@functools.cache
def _country_time_zones() -> dict[str, str]:
    """The first (most populous) time zone of each country, from the system tz database."""
    zones: dict[str, str] = {}
    try:
        lines = ZONE_TAB.read_text().splitlines()
    except OSError:
        return zones
    for line in lines:
        if line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) >= 3:
            zones.setdefault(parts[0], parts[2])
    return zones


def default_time_zone(user: User) -> str:
    """The user's saved zone; before the profile is complete, a guess from the partner's country."""
    valid = dict(time_zone_choices())
    if user.profile_completed_at is None and user.time_zone in ("", "UTC") and user.partner_id:
        guess = _country_time_zones().get(str(user.partner.country))
        if guess in valid:
            return guess
    return user.time_zone if user.time_zone in valid else "UTC"


class NameEmailForm(forms.Form):
    """Step 1: the name comes from the account and is shown read-only."""

    # ``disabled`` fields ignore whatever is posted: the value is always the initial one.
    first_name = forms.CharField(label=_("First name"), disabled=True, required=False)
    last_name = forms.CharField(label=_("Last name"), disabled=True, required=False)
    email = forms.EmailField(
        max_length=254,
        label=_("E-mail address"),
        help_text=_("We send confirmations and replies about your support requests here."),
    )
    alternate_email = forms.EmailField(
        max_length=254,
        label=_("Alternate e-mail address (optional)"),
        required=False,
        help_text=_("Also receives your contract IDs when an activation request is approved."),
    )

    def __init__(self, *args, user: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name in ("first_name", "last_name"):
            self.fields[name].help_text = _(
                "From your account. Ask your partner's global admin to correct it."
            )
        if user is not None:
            self.fields["first_name"].initial = user.first_name
            self.fields["last_name"].initial = user.last_name
            partner = user.partner if user.partner_id else None
            if (
                partner
                and partner.technical_contact_id == user.pk
                and partner.technical_contact_email
            ):
                self.fields["email"].help_text = _(
                    "You are your partner's designated technical contact: keep this the same "
                    "as the e-mail recorded in the membership centre (%(email)s), or Azure "
                    "incidents cannot be submitted."
                ) % {"email": partner.technical_contact_email}
        self.helper = _helper()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("email") and cleaned.get("alternate_email"):
            if cleaned["email"].lower() == cleaned["alternate_email"].lower():
                self.add_error(
                    "alternate_email",
                    _("The alternate e-mail must differ from your e-mail address."),
                )
        return cleaned


class ContactForm(forms.Form):
    """Step 2: how support engineers reach the user; defaults for every later form."""

    phone = PhoneNumberField(
        label=_("Phone number"),
        widget=InternationalPhoneWidget,
        help_text=_("Include the country code for numbers outside your partner's country."),
        error_messages={
            "invalid": _("Enter a valid phone number, for example +36 1 234 5678."),
        },
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)
    contact_method = forms.ChoiceField(
        label=_("Preferred contact method"),
        choices=User.ContactMethod.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.partner_id:
            # Local numbers are read in the partner's country; "+…" numbers work anywhere.
            self.fields["phone"].region = str(user.partner.country) or None
            self.fields["phone"].widget.region = self.fields["phone"].region
        self.helper = _helper()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("contact_method") == User.ContactMethod.PHONE and not cleaned.get("phone"):
            self.add_error("phone", _("Enter a phone number to be contacted by phone."))
        return cleaned


class ReviewForm(forms.Form):
    """Step 3: "check your answers"; nothing to enter."""

    def __init__(self, *args, user: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
