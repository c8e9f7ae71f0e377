from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from partners.models import Location, Region
from portal.lib.forms import form_helper as _helper
from portal.lib.i18n import local_date

from .models import Contract
from .services import pending_request_for


class RegisterContractForm(forms.Form):
    """Access ID + Contract ID; the view registers them with
    ``contracts.services.register_contract_from`` after validation."""

    access_id = forms.CharField(label=_("Access ID"), max_length=40)
    contract_id = forms.CharField(label=_("Contract ID"), max_length=40)


class LocationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, location: Location) -> str:
        if location.kind == Location.Kind.HEADQUARTERS:
            return _("Core benefits of the headquarters — %(name)s, %(city)s") % {
                "name": location.name,
                "city": location.city,
            }
        return _("Additional Business Location Kit (ABTK) — %(name)s, %(city)s") % {
            "name": location.name,
            "city": location.city,
        }


class BenefitStepForm(forms.Form):
    """Which benefits to activate: the headquarters' core benefits or a location's ABTK."""

    location = LocationChoiceField(
        label=_("Benefit"),
        queryset=Location.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args, partner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.partner = partner
        self.fields["location"].queryset = (
            Location.objects.filter(partner=partner).order_by("-kind", "name")
            if partner is not None
            else Location.objects.none()
        )
        self.helper = _helper()

    def clean_location(self):
        location = self.cleaned_data["location"]
        pending = pending_request_for(location)
        if pending is not None:
            raise forms.ValidationError(
                _(
                    "An activation request for these benefits is already pending: sent on "
                    "%(date)s by %(name)s (%(email)s)."
                ),
                params={
                    "date": local_date(pending.created_at.date()),
                    "name": pending.requested_by.get_full_name() or pending.requested_by.username,
                    "email": pending.requested_by.email,
                },
            )
        contracts = list(Contract.objects.of_scope(self.partner, location).only("status"))
        if contracts and all(c.is_activated for c in contracts):
            raise forms.ValidationError(
                _("These benefits are already activated; see My benefits for the balance.")
            )
        return location


class ContactStepForm(forms.Form):
    """The contact details sent with the request; for EMEA every field is required."""

    partner_number = forms.CharField(label=_("Partner ID"), disabled=True, required=False)
    email = forms.EmailField(
        label=_("Your e-mail"),
        disabled=True,
        required=False,
        help_text=_("From your profile; change it there."),
    )
    membership_email = forms.EmailField(
        max_length=254, label=_("E-mail linked to the membership"), required=False
    )
    contact_name = forms.CharField(label=_("Name"), max_length=200)
    company = forms.CharField(label=_("Company"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    country = LazyTypedChoiceField(label=_("Country"), choices=countries, required=False)
    alternate_email = forms.EmailField(
        max_length=254,
        label=_("Alternate e-mail"),
        required=False,
        help_text=_(
            "Optional. Your e-mail and this address are shown to your colleagues while "
            "the request is open, and receive the IDs when no program contact is recorded."
        ),
    )

    EMEA_REQUIRED = ("membership_email", "phone", "city", "country")

    def __init__(self, *args, partner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.partner = partner
        self.is_emea = partner is not None and partner.region == Region.EMEA
        if self.is_emea:
            for name in self.EMEA_REQUIRED:
                self.fields[name].required = True
        self.helper = _helper()


class ReviewStepForm(forms.Form):
    """Nothing to enter: the review step shows the answers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
