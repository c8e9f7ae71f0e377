"""Submit a Microsoft Azure incident online (SPEC §4.2, seed 000).

Steps: other support options → product, problem type, category → select a
contract → your contact information → problem details → Submit.

Billing and subscription management is free for every Azure subscriber: it skips
the contract step and is routed to the billing team. Advisory, pre-sales and
partner-benefit categories (a topic that routes to another team) are out of
scope: they skip the contract step too, are routed, and take no unit.

A partner that is not eligible for Azure Signature Cloud Support is warned before
step 1 and may still submit, but the incident is recorded as rejected with the
reason and takes no unit (as for Office 365, SPEC §4.1; seed 000: "if the partner
is not eligible, the submitted incident is rejected"). The other prerequisites
block: they are listed before step 1 and enforced again when the incident is
submitted.
"""

from __future__ import annotations

from functools import cached_property

from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _lazy

from contracts.models import Contract
from incidents.azure import (
    azure_holdings_from,
    azure_prerequisites,
    azure_product,
    cached_azure_holdings,
    cached_usable_subscriptions,
    read_usable_subscriptions,
)
from incidents.forms.azure import (
    BILLING,
    AzureContractForm,
    AzureTopicForm,
    ContactForm,
    DetailsForm,
    SupportOptionForm,
)
from incidents.forms.contract_step import ContractStepWizardMixin
from incidents.forms.taxonomy import RefreshableWizardMixin
from incidents.intake import azure_decision, azure_route
from incidents.models import Channel, RoutedTeam
from incidents.services import IncidentDraft, SubmissionError, submit_incident
from incidents.wizards.azure_fragments import fields_fragment
from portal.lib.partner_only import PartnerRequiredMixin
from portal.lib.wizards import PortalWizardView, StepFailure

# Remembers the last incident this session submitted, so that a repeated final
# POST after the wizard was reset lands on the same confirmation.
LAST_SUBMITTED_KEY = "azure_wizard_last_submitted"


def stored_option(wizard) -> str:
    """The support option as stored with step 1.

    It was validated when step 1 was posted, and the final submit validates step 1 again
    before anything is created; in between, which steps the run has (``needs_contract``)
    follows the stored answer, so the later steps do not rebuild step 1's form, whose
    prerequisites cost a query (``AzureIncidentWizard.holdings``).
    """
    return (wizard.storage.get_step_data("options") or {}).get("options-option") or ""


def chosen_route(wizard, option: str | None = None) -> str:
    """The team the request is routed to instead of being worked, or "".

    ``option``: the validated support option (the submit); by default the stored one.
    """
    option = stored_option(wizard) if option is None else option
    if option == BILLING:
        return azure_route(BILLING, None)
    # A step not answered yet has nothing to validate (and costs no form).
    stored = wizard.storage.get_step_data
    topic = (stored("topic") is not None and wizard.get_cleaned_data_for_step("topic")) or {}
    leaf = topic.get("category") or topic.get("problem_type") or topic.get("product")
    return azure_route(option, leaf)


def needs_contract(wizard) -> bool:
    return not chosen_route(wizard)


class AzureIncidentWizard(
    PartnerRequiredMixin,
    ContractStepWizardMixin,
    RefreshableWizardMixin,
    PortalWizardView,
):
    last_submitted_key = LAST_SUBMITTED_KEY
    submission_errors = (SubmissionError,)
    form_list = [
        ("options", SupportOptionForm),
        ("topic", AzureTopicForm),
        ("contract", AzureContractForm),
        ("contact", ContactForm),
        ("details", DetailsForm),
    ]
    condition_dict = {"contract": needs_contract}
    step_titles = {
        "options": _lazy("Other support options"),
        "topic": _lazy("Product, problem type and category"),
        "contract": _lazy("Select a contract"),
        "contact": _lazy("Your contact information"),
        "details": _lazy("Problem details"),
    }
    page_title = _lazy("Submit Microsoft Azure incident online")
    submit_label = _lazy("Submit")
    template_name = "incidents/azure/step.html"

    # Computed at most once per request (this view instance lives for one request).
    @cached_property
    def holdings(self):
        if self._submitting:  # the lists are read for their steps anyway: no query of its own
            usable, unavailable = self.contract_options
            contracts = [option.contract for option in [*usable, *unavailable]]
            return azure_holdings_from(contracts, self.subscriptions)
        # Shown only (step 1's list, its blocking checks): the submit decides on fresh lists.
        return cached_azure_holdings(self.request.user)

    _submitting = False

    @cached_property
    def contract_options(self):
        """Every contract registered to the user, usable or not (the contract step's list)."""
        return Contract.options_for(self.request.user, self.catalogue_product())

    @cached_property
    def subscriptions(self):
        """The details step's list (and the holdings' on the final submit).

        Read afresh for the submit, which validates the chosen subscription against it;
        only shown otherwise (the step drawn after the contact step), so read from the cache.
        """
        if self._submitting:
            return read_usable_subscriptions(self.request.user)
        return cached_usable_subscriptions(self.request.user)

    def post(self, *args, **kwargs):
        # Posting the last step (the submit) reads the subscriptions for it and, revalidating
        # the contract step, the contracts: the holdings are answered from those lists.
        posted = self.request.POST.get(f"{self.prefix}-current_step")
        self._submitting = posted == "details" and "wizard_goto_step" not in self.request.POST
        return super().post(*args, **kwargs)

    @cached_property
    def blocking_prerequisites(self):
        """What step 1 checks on every request (its answers are revalidated): no eligibility.

        The submit needs all of them anyway (``done``): taken from those, not computed twice.
        """
        if self._submitting:
            return [p for p in self.prerequisites if p.blocking]
        return azure_prerequisites(
            self.request.user, holdings=self.holdings, with_eligibility=False
        )

    @cached_property
    def prerequisites(self):
        """All of them: shown before step 1 and checked again on submit."""
        return azure_prerequisites(self.request.user, holdings=self.holdings)

    # --- forms ---------------------------------------------------------------
    def get_form_kwargs(self, step=None):
        user = self.request.user
        if step == "options":
            return {"user": user, "prerequisites": self.blocking_prerequisites}
        if step == "topic":  # the option as stored once valid: no form to validate
            return {"option": stored_option(self) or None}
        if step == "contract":
            product = self.catalogue_product()
            return {"user": user, "product": product, "options": self.contract_options}
        if step == "details":
            contact = self.get_cleaned_data_for_step("contact") or {}
            time_zone = contact.get("time_zone")
            return {"user": user, "time_zone": time_zone, "subscriptions": self.subscriptions}
        return {}

    def get_form_initial(self, step):
        initial = super().get_form_initial(step)
        if step == "contact":
            user = self.request.user
            initial.setdefault("phone", str(user.phone) if user.phone else "")
            initial.setdefault("email", user.email)
            initial.setdefault("time_zone", user.time_zone or "UTC")
        return initial

    def catalogue_product(self):
        topic = self.get_cleaned_data_for_step("topic") or {}
        root = topic.get("product")
        return (root.product if root is not None and root.product_id else None) or azure_product()

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        if self.steps.current == self.steps.first:
            context["intro_template"] = "incidents/azure/prerequisites.html"
            context["prerequisites"] = self.prerequisites
        context["refresh_label"] = self.refresh_label
        context["fields_fragment"] = self.fields_fragment(form)
        return context

    def fields_fragment(self, form) -> dict | None:
        """The cache of the step's fields as drawn (incidents/azure/step.html), or None:
        see :mod:`incidents.wizards.azure_fragments`."""
        if getattr(self, "_refresh_initial", None) is not None:
            return None  # the posted values are the initial ones: not a key to keep
        if self.steps.current == self.contract_step:
            # Its list shows the units left, which every submit with the plan changes: a
            # fragment would seldom be read again (measured: no gain in the bench walk).
            return None
        return fields_fragment(form)

    def render(self, form=None, **kwargs):
        form = form or self.get_form()
        if (
            self.request.method == "POST"
            and self.steps.current == "details"
            and form.is_bound
            and form.errors
            and "files" not in form.errors
            and self.request.FILES.getlist(form.add_prefix("files"))
        ):
            # The step failed on another field: keep the (valid) files it carried, so
            # the user does not have to choose them again (SPEC §7).
            self.storage.set_step_files(self.steps.current, self.process_step_files(form))
        return super().render(form, **kwargs)

    # --- submit --------------------------------------------------------------
    def fail(self, step, message):
        # The submit failed (e.g. the contract's last unit was taken meanwhile): the step
        # shown again reads its lists afresh.
        for name in ("contract_options", "subscriptions", "holdings"):
            self.__dict__.pop(name, None)
        return super().fail(step, message)

    def failure_step(self, exc, form_dict):
        if isinstance(exc, SubmissionError) and _chosen_contract(form_dict) is not None:
            return "contract"
        return "details"

    def done(self, form_list, form_dict=None, **kwargs):
        user = self.request.user
        route = chosen_route(self, option=form_dict["options"].cleaned_data["option"])
        contract = _chosen_contract(form_dict)
        # The prerequisites again, at the moment of submission (SPEC §4.2).
        decision = azure_decision(
            user,
            option=form_dict["options"].cleaned_data["option"],
            route=route,
            contract=contract,
            prerequisites=self.prerequisites,
        )
        if decision.refusal:
            raise StepFailure(decision.refusal, decision.step)
        draft = azure_draft(
            user,
            form_dict,
            route=route,
            reject_reason=decision.reject_reason,
            product=self.catalogue_product(),
            submission_key=self.submission_key(),
        )
        draft.finished_draft_id = self.finished_draft_id()
        incident = submit_incident(draft)
        return redirect("incidents:confirmation", number=incident.number)


def _chosen_contract(form_dict):
    contract_form = form_dict.get("contract")
    return contract_form.cleaned_data["contract"] if contract_form else None


def azure_draft(user, form_dict, *, route, reject_reason, product, submission_key):
    """The incident the Azure wizard's answers describe."""
    option = form_dict["options"].cleaned_data["option"]
    leaf = form_dict["topic"].chosen_leaf()
    contact = form_dict["contact"].cleaned_data
    details = form_dict["details"].cleaned_data
    contract = _chosen_contract(form_dict)
    subscription = details["subscription"]
    role = getattr(subscription, "user_role", None)
    if role is None:
        role = subscription.roles.filter(user=user).values_list("role", flat=True).first()
    return IncidentDraft(
        user=user,
        channel=Channel.AZURE,
        title=details["title"],
        description=details["description"],
        error_message=details["error_message"],
        severity=details["severity"],
        is_24x7=details["is_24x7"],
        contact_name=user.get_full_name() or user.get_username(),
        contact_email=contact["email"],
        contact_phone=contact["phone"].as_international,
        time_zone=contact["time_zone"],
        support_language=user.language,
        product=product,
        topic=leaf,
        customer=subscription.owner_customer,
        subscription=subscription,
        support_plan=(
            contract.get_kind_display()
            if contract is not None and not route
            else str(RoutedTeam(route).label if route else "")
        ),
        facts={
            "support_option": option,
            "subscription_id": str(subscription.subscription_id),
            "subscription_role": role or "",
            "started_at": details["started_at"].isoformat(),
        },
        contract=None if route else contract,
        route_to=route,
        reject_reason=reject_reason,
        files=details.get("files") or [],
        submission_key=submission_key,
        break_fix=leaf.is_break_fix if leaf else True,
    )
