"""The steps of the Office 365 incident wizard (SPEC §4.1, seed 000).

Forms only validate; the wizard's ``done()`` hands the cleaned data to
:func:`incidents.services.submit_incident`.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField
from phonenumber_field.phonenumber import validate_region

from incidents.models import TEXT_MAX_LENGTH, TITLE_MAX_LENGTH, Topic, Tree
from portal.lib.forms import InternationalPhoneWidget
from portal.lib.uploads import AttachmentsField

from .bootstrap import BootstrapForm
from .common import SeverityRuleMixin, StartTimeField, is_24x7_field, severity_field
from .taxonomy import TopicChainMixin, TopicChoiceField

# A DNS name such as contoso.onmicrosoft.com or contoso.com (IDNA allowed).
DOMAIN_RE = re.compile(
    r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$"
)


ISSUE_TYPE = _("Issue type")
SERVICE = _("Service")
SERVICE_AREA = _("Service area")
PROBLEM_AREA = _("Problem area")


def _not_a_child_of(parent_label) -> str:
    return _("That choice does not belong to the %(parent)s you chose; choose again.") % {
        "parent": str(parent_label).lower()
    }


# Translated when an error is shown, not on every build of the form (issue 21).
not_a_child_of = lazy(_not_a_child_of, str)


class ProblemForm(TopicChainMixin, BootstrapForm):
    """Step 1 — Define the problem: four lists, each narrowed by the one before."""

    tree = Tree.OFFICE365
    chain_fields = ("issue_type", "service", "service_area", "problem_area")
    # Without JavaScript the lists are narrowed by the server on this button.
    refresh_after = "problem_area"

    # The lists' options and querysets are set per form by setup_chain(); declared without
    # a queryset, a form's copy of the four fields clones none (≈ 0.1 ms per form, and
    # every step of the wizard builds this one, issue 21).
    issue_type = TopicChoiceField(
        label=ISSUE_TYPE,
        queryset=None,
        empty_label=_("Choose an issue type"),
        error_messages={
            "required": _("Choose an issue type."),
            "invalid_choice": _("Choose an issue type from the list."),
        },
    )
    service = TopicChoiceField(
        label=SERVICE,
        queryset=None,
        empty_label=_("Choose a service"),
        error_messages={
            "required": _("Choose a service."),
            "invalid_choice": not_a_child_of(ISSUE_TYPE),
        },
    )
    service_area = TopicChoiceField(
        label=SERVICE_AREA,
        queryset=None,
        empty_label=_("Choose a service area"),
        error_messages={
            "required": _("Choose a service area."),
            "invalid_choice": not_a_child_of(SERVICE),
        },
    )
    problem_area = TopicChoiceField(
        label=PROBLEM_AREA,
        queryset=None,
        empty_label=_("Choose a problem area"),
        error_messages={
            "required": _("Choose a problem area."),
            "invalid_choice": not_a_child_of(SERVICE_AREA),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_chain()

    def clean(self):
        cleaned = super().clean()
        parent = None
        for depth, name in enumerate(self.chain_fields):
            value = cleaned.get(name)
            if value is None and parent is not None:
                if not self.chain_has_children(parent):
                    # The catalogue stops here: the parent is the most specific choice.
                    for rest in self.chain_fields[depth:]:
                        self.errors.pop(rest, None)
                        cleaned[rest] = None
                break
            if value is None:
                break  # this list already carries its own error
            if parent is not None and value.parent_id != parent.pk:
                self.add_error(name, self.fields[name].error_messages["invalid_choice"])
                break
            if parent is None and (value.parent_id is not None or value.tree != self.tree):
                self.add_error(name, self.fields[name].error_messages["invalid_choice"])
                break
            parent = value
        return cleaned

    def leaf(self) -> Topic | None:
        return self.chosen_leaf()

    @classmethod
    def leaf_of(cls, cleaned_data: dict) -> Topic | None:
        for name in reversed(cls.chain_fields):
            if cleaned_data.get(name):
                return cleaned_data[name]
        return None


class DescriptionForm(BootstrapForm):
    """Step 2 — Add a detailed description."""

    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("One line that sums up the problem."),
        error_messages={"required": _("Enter a title.")},
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happens, what you expected, and the steps to reproduce it."),
        error_messages={"required": _("Describe the problem.")},
    )
    error_message = forms.CharField(
        label=_("Error message"),
        max_length=5_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Copy the exact text of the error, if you saw one."),
    )
    contact_name = forms.CharField(
        label=_("Contact name"),
        max_length=200,
        error_messages={"required": _("Enter the name of the person the engineer contacts.")},
    )
    contact_phone = PhoneNumberField(
        label=_("Contact phone number"),
        widget=InternationalPhoneWidget,
        error_messages={"required": _("Enter a phone number the engineer can call.")},
    )

    def __init__(self, *args, region=None, **kwargs):
        super().__init__(*args, **kwargs)
        if region:
            try:
                validate_region(region)
            except ValueError:
                region = None
        if region:
            # Numbers may be typed in the national format of the partner's country.
            old = self.fields["contact_phone"]
            self.fields["contact_phone"] = PhoneNumberField(
                label=old.label,
                region=region,
                widget=InternationalPhoneWidget(region=region),
                error_messages={"required": old.error_messages["required"]},
            )
        self.fields["contact_phone"].help_text = _(
            "With the international prefix if it is not in your country, e.g. +36 1 234 5678."
        )


class SupportingInfoForm(SeverityRuleMixin, BootstrapForm):
    """Step 3 — Add supporting information: severity and the facts an engineer needs."""

    indented = ("is_24x7",)
    rules_before = ("tenant_domain", "contact_email")

    severity = severity_field(
        help_text=_(
            "First response within 2 hours (A), 4 hours (B) or 8 hours (C) for support in "
            "English; support in a local language runs in business hours of your time zone."
        ),
        error_messages={"required": _("Choose the severity: how badly the problem hurts.")},
    )
    is_24x7 = is_24x7_field(
        label=_("I need 24/7 support (severity A only)"),
        help_text=_(
            "An engineer works on it around the clock; someone must be reachable at all times."
        ),
    )
    tenant_domain = forms.CharField(
        label=_("Tenant domain"),
        max_length=253,
        help_text=_("The affected Office 365 tenant, e.g. contoso.onmicrosoft.com."),
        error_messages={"required": _("Enter the tenant domain.")},
    )
    users_affected = forms.IntegerField(
        label=_("Number of users affected"),
        min_value=1,
        max_value=10_000_000,
        error_messages={"required": _("Enter how many users are affected.")},
    )
    started_at = StartTimeField(label=_("When did it start?"))
    what_tried = forms.CharField(
        label=_("What have you tried so far?"),
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Tell us what you have already tried.")},
    )
    contact_email = forms.EmailField(
        max_length=254,
        label=_("E-mail for the confirmation"),
        help_text=_("We send the confirmation and updates to this address."),
        error_messages={"required": _("Enter the e-mail address for the confirmation.")},
    )

    def __init__(self, *args, time_zone="UTC", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_at"].use_time_zone(time_zone)

    def clean_tenant_domain(self):
        value = self.cleaned_data["tenant_domain"].strip().rstrip(".").lower()
        if value.startswith(("http://", "https://")):
            value = value.split("://", 1)[1].split("/", 1)[0]
        try:
            ascii_value = value.encode("idna").decode("ascii")
        except UnicodeError:
            ascii_value = ""
        if not DOMAIN_RE.match(ascii_value):
            raise ValidationError(
                _("Enter a domain name such as contoso.onmicrosoft.com."), code="invalid"
            )
        return value

    def facts(self) -> dict:
        """What the engineer reads under "supporting information" (JSON-safe)."""
        data = self.cleaned_data
        return {
            "tenant_domain": data["tenant_domain"],
            "users_affected": data["users_affected"],
            "started_at": data["started_at"].isoformat(),
            "what_tried": data["what_tried"],
        }


class AttachForm(BootstrapForm):
    """Step 4 — Attach file: optional, several files, each checked on its content."""

    attachments = AttachmentsField(label=_("Files"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
