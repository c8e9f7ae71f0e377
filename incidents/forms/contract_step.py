"""The "select a contract" step shared by the Azure and Support for Business wizards.

Lists the user's usable contracts (end date, units left), the unavailable ones
with their reasons ("Show unavailable support plans"), and lets the user add a
contract by Access ID + Contract ID right on the step (SPEC §3, §4.2, §4.3).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from contracts.forms import RegisterContractForm
from contracts.models import Contract
from contracts.services import register_contract_from
from incidents.forms.bootstrap import BootstrapForm
from incidents.forms.taxonomy import PreloadedChoiceMixin

ADD_CONTRACT_FIELD = "add_contract"
ADD_CONTRACT_PREFIX = "add"


def by_model_ordering(contracts: list[Contract]) -> list[Contract]:
    """In ``Contract.Meta.ordering`` (partner, kind, ends_on; PostgreSQL puts no end last)."""
    return sorted(
        contracts,
        key=lambda c: (c.partner_id, c.kind, c.ends_on is None, c.ends_on or dt.date.min, c.pk),
    )


def usable_contracts_queryset(pks: list[int], **filters):
    """A function that builds the queryset of the contracts ``pks`` (for ``preload``)."""
    return lambda: Contract.objects.filter(pk__in=pks, **filters).select_related("location")


class AddContractForm(RegisterContractForm, BootstrapForm):
    """The contracts app's Access ID + Contract ID form, on the contract step: drawn by
    incidents/includes/form_field.html like the step's own fields."""


class ContractChoiceField(PreloadedChoiceMixin, forms.ModelChoiceField):
    def label_from_instance(self, contract: Contract) -> str:
        return _("%(name)s (Contract ID %(id)s) — ends %(date)s — %(left)s") % {
            "name": contract.name,
            "id": contract.contract_id,
            "date": date_format(contract.ends_on) if contract.ends_on else "—",
            "left": contract.remaining_text,
        }


class ContractStepForm(BootstrapForm):
    contract = ContractChoiceField(
        label=_lazy("Support plan"),
        queryset=Contract.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _lazy(
                "Choose a support plan, or add one with its Access ID and Contract ID."
            )
        },
    )

    def __init__(
        self, *args, user=None, product=None, version=None, kinds=None, options=None, **kwargs
    ):
        """``options``: ``Contract.options_for(user, product, version, kinds=kinds)`` if the
        wizard read them already."""
        super().__init__(*args, **kwargs)
        self.user = user
        self.usable, self.unavailable = ([], [])
        if options is not None:
            self.usable, self.unavailable = list(options[0]), list(options[1])
        elif user is not None and product is not None:
            self.usable, self.unavailable = Contract.options_for(
                user, product, version, kinds=kinds
            )
        # The usable contracts were just read (with their location): no second read, and
        # their queryset is built only if something asks for it (issue 21).
        self.fields["contract"].preload(
            usable_contracts_queryset([option.contract.pk for option in self.usable]),
            by_model_ordering([option.contract for option in self.usable]),
            model=Contract,
        )
        if len(self.usable) == 1 and not self.is_bound:
            self.initial.setdefault("contract", self.usable[0].contract.pk)


class ContractStepWizardMixin:
    """SessionWizardView mixin: the step named ``contract_step`` gets an inline
    "add a contract" form. Posting it registers the contract and re-renders the
    step with the new contract chosen (or the registration error shown)."""

    contract_step = "contract"

    def post(self, *args, **kwargs):
        if ADD_CONTRACT_FIELD in self.request.POST and self.steps.current == self.contract_step:
            add_form = AddContractForm(self.request.POST, prefix=ADD_CONTRACT_PREFIX)
            contract = None
            if add_form.is_valid():
                contract, _throttled = register_contract_from(add_form, self.request.user)
            if contract is not None:
                messages.success(
                    self.request,
                    _("Contract %(id)s is registered to your account.")
                    % {"id": contract.contract_id},
                )
                self._contract_initial = {"contract": contract.pk}
                add_form = AddContractForm(prefix=ADD_CONTRACT_PREFIX)
            self._add_contract_form = add_form
            return self.render(self.get_form())
        return super().post(*args, **kwargs)

    def get_form_initial(self, step):
        initial = dict(super().get_form_initial(step) or {})
        if step == self.contract_step and getattr(self, "_contract_initial", None):
            initial.update(self._contract_initial)
        return initial

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        if self.steps.current == self.contract_step:
            context["add_contract_form"] = getattr(
                self, "_add_contract_form", None
            ) or AddContractForm(prefix=ADD_CONTRACT_PREFIX)
            context["add_contract_field"] = ADD_CONTRACT_FIELD
        return context
