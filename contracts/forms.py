from django import forms
from django.utils.translation import gettext_lazy as _

from .services import RegistrationError, register_contract


class RegisterContractForm(forms.Form):
    """Access ID + Contract ID. ``register()`` is called by the view after validation."""

    access_id = forms.CharField(label=_("Access ID"), max_length=40)
    contract_id = forms.CharField(label=_("Contract ID"), max_length=40)

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def register(self):
        """Register to ``self.user``; on failure adds a non-field error and returns None."""
        try:
            return register_contract(
                self.user, self.cleaned_data["access_id"], self.cleaned_data["contract_id"]
            )
        except RegistrationError as exc:
            self.add_error(None, str(exc))
            return None
