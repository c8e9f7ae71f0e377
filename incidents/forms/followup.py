"""Forms for following up an incident (SPEC §5). They validate; incidents/workflow.py changes state."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from portal.lib.uploads import AttachmentsField

from ..lookups import engineer_choices, product_choices
from ..models import TEXT_MAX_LENGTH, RoutedTeam, Severity, Status
from .bootstrap import BootstrapForm

MAX_MESSAGE = TEXT_MAX_LENGTH
# The queue's partner filter: part of a name (names are up to 200) or of a Partner ID.
PARTNER_TEXT_MAX = 60


def user_label(user) -> str:
    name = user.get_full_name() or user.username
    return f"{name} <{user.email}>" if user.email else name


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return user_label(obj)


class MessageForm(BootstrapForm):
    body = forms.CharField(
        label=_("Message"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 4}),
        strip=True,
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["body"].label = label


class AttachmentForm(BootstrapForm):
    files = AttachmentsField(label=_("Files"), required=True)


class AddContactForm(BootstrapForm):
    """A colleague from the incident's partner who is not a contact yet."""

    user = UserChoiceField(
        label=_("Colleague"),
        queryset=get_user_model().objects.none(),
        empty_label=_("Choose a colleague by name or e-mail"),
        help_text=_("Only people of your organisation who use this portal are listed."),
    )
    primary = forms.BooleanField(label=_("Make primary contact"), required=False)

    def __init__(self, *args, incident, allow_primary=False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        field.queryset = incident.addable_contacts()
        # The <select> lists the colleagues read once (see ``colleagues``), so a page that
        # asks whether there is anyone to add and then renders the list runs one query.
        # Validation still goes through the queryset.
        field.choices = self._choices
        if not allow_primary:
            del self.fields["primary"]

    @cached_property
    def colleagues(self) -> list:
        """The colleagues that can be added, read once per form."""
        return list(self.fields["user"].queryset)

    def _choices(self):
        return [("", self.fields["user"].empty_label)] + [
            (user.pk, user_label(user)) for user in self.colleagues
        ]


class ContactChoiceForm(forms.Form):
    """Picks one of the incident's current contacts (remove / make primary)."""

    user = forms.ModelChoiceField(queryset=get_user_model().objects.none())

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = incident.contact_users()


class AssignForm(BootstrapForm):
    engineer = UserChoiceField(
        label=_("Engineer"), queryset=get_user_model().objects.none(), empty_label=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engineer"].queryset = get_user_model().objects.support_engineers()
        # Rendered from the cached list of engineers (incidents/lookups.py, no query);
        # validation still goes through the queryset.
        self.fields["engineer"].choices = engineer_choices


class StatusForm(forms.Form):
    transition = forms.CharField(max_length=40)


class RejectForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Reason (the partner sees it)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RouteForm(RejectForm):
    team = forms.ChoiceField(label=_("Route to"), choices=RoutedTeam.choices)

    field_order = ["team", "reason"]


class SharedChoiceField(forms.ChoiceField):
    """A ChoiceField whose copies share its choices list (the queue builds a form per request).

    Django deep-copies every field of a form per instance, choices included (lazy
    translations and all). These choices are only ever replaced, never changed in
    place, so the copies can share them.
    """

    def __deepcopy__(self, memo):
        result = forms.Field.__deepcopy__(self, memo)
        result._choices = self._choices
        return result


class SharedTypedChoiceField(SharedChoiceField, forms.TypedChoiceField):
    pass


def product_filter_choices() -> list[tuple[str, str]]:
    """The queue's product filter: any, then the cached look-up list (incidents/lookups.py)."""
    return [("", _("Any")), *product_choices()]


def owner_filter_choices() -> list[tuple[str, str]]:
    """The queue's owner filter: anyone, me, nobody, then the cached list of engineers."""
    return [
        ("", _("Anyone")),
        ("me", _("Me")),
        ("none", _("Nobody (unassigned)")),
        *engineer_choices(),
    ]


class QueueFilterForm(forms.Form):
    """The queue's GET filters. Only these values reach the query: everything is whitelisted."""

    OPEN = "open"
    STATUS_CHOICES = [
        ("", _("Any status")),
        (OPEN, _("Open (submitted, in progress, waiting)")),
        *Status.choices,
    ]
    DUE_CHOICES = [
        ("", _("Any")),
        ("overdue", _("First response overdue")),
        ("soon", _("First response due within an hour")),
    ]
    SORT_CHOICES = [
        ("due", _("Response due: soonest first")),
        ("-due", _("Response due: latest first")),
    ]

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "placeholder": _("Number, title, text, customer, partner, contact"),
                # No "0 / 200" counter under a search box (static/js/char-counter.js).
                "data-counter": "off",
            }
        ),
    )
    status = SharedChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    severity = SharedChoiceField(
        label=_("Severity"),
        choices=[("", _("Any severity"))] + [(s.value, s.value) for s in Severity],
        required=False,
    )
    # The two look-up lists are read when the choices are used (a <select> drawn, a
    # value checked), not on every form: the queue builds one per request and draws
    # its controls only when their cached fragment is missing.
    product = SharedTypedChoiceField(
        label=_("Product"),
        choices=product_filter_choices,
        coerce=int,
        empty_value=None,
        required=False,
    )
    # A text field, not a <select>: a programme has thousands of partners. Part of a
    # name or the start of a Partner ID (Partner.objects.matching, in the view).
    partner = forms.CharField(
        label=_("Partner (name or ID)"),
        required=False,
        max_length=PARTNER_TEXT_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    owner = SharedChoiceField(label=_("Owner"), choices=owner_filter_choices, required=False)
    due = SharedChoiceField(label=_("First response"), choices=DUE_CHOICES, required=False)
    sort = SharedChoiceField(label=_("Sort"), choices=SORT_CHOICES, required=False)

    # What the product and owner choices are made of beyond their fixed entries (the
    # fragment keys of the queue's controls hold these).
    LOOKUP_LISTS = (product_choices, engineer_choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(field, forms.ChoiceField)
                else "form-control form-control-sm"
            )
            field.widget.attrs["class"] = css

    def clean_partner(self):
        """The text to match, or None; printable text only (e.g. no lone surrogate)."""
        value = (self.cleaned_data.get("partner") or "").strip()
        if not value:
            return None
        if not value.isprintable():
            raise forms.ValidationError(_("Enter part of a partner's name or Partner ID."))
        return value


__all__ = [
    "AddContactForm",
    "AssignForm",
    "AttachmentForm",
    "ContactChoiceForm",
    "MessageForm",
    "QueueFilterForm",
    "RejectForm",
    "RouteForm",
    "StatusForm",
]
