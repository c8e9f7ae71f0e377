"""Submit an Office 365 incident online (Signature Cloud Support, SPEC §4.1, seed 000).

Four steps — Define the problem, Add a detailed description, Add supporting
information, Attach file — then one call to ``submit_incident``. The partner's
eligibility is shown before step 1: an ineligible partner may submit, but the
incident is rejected with the reason; a non-technical issue type is routed to
its team. No contract unit is taken ("used/remaining figures do not block an
eligible partner").
"""

from __future__ import annotations

from functools import cached_property

from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _lazy

from incidents.forms.office365 import (
    AttachForm,
    DescriptionForm,
    ProblemForm,
    SupportingInfoForm,
)
from incidents.forms.taxonomy import RefreshableWizardMixin
from incidents.intake import office365_decision, office365_product_of
from incidents.models import Channel, RoutedTeam, Topic
from incidents.services import IncidentDraft, SubmissionError, submit_incident
from partners.models import ScsProduct
from portal.lib.partner_only import PartnerRequiredMixin
from portal.lib.wizards import PortalWizardView

# Remembers the last incident this session submitted, so that a repeated final
# POST after the wizard was reset lands on the same confirmation.
LAST_SUBMITTED_KEY = "office365_wizard_last_submitted"


class Office365Wizard(PartnerRequiredMixin, RefreshableWizardMixin, PortalWizardView):
    last_submitted_key = LAST_SUBMITTED_KEY
    submission_errors = (SubmissionError,)
    form_list = [
        ("problem", ProblemForm),
        ("description", DescriptionForm),
        ("supporting", SupportingInfoForm),
        ("attach", AttachForm),
    ]
    step_titles = {
        "problem": _lazy("Define the problem"),
        "description": _lazy("Add a detailed description"),
        "supporting": _lazy("Add supporting information"),
        "attach": _lazy("Attach file"),
    }
    page_title = _lazy("Submit Office 365 incident online")
    submit_label = _lazy("Submit")
    intro_template = "incidents/office365/eligibility.html"
    review_step = "attach"  # "check your answers" above the files, with an Edit per step

    @cached_property
    def eligibility(self):
        return self.request.user.partner.eligibility_for(ScsProduct.OFFICE365)

    # --- forms ------------------------------------------------------------
    def get_form_kwargs(self, step=None):
        kwargs = super().get_form_kwargs(step)
        user = self.request.user
        if step == "description":
            kwargs["region"] = user.partner.country.code or None
        elif step == "supporting":
            kwargs["time_zone"] = user.time_zone
        return kwargs

    def get_form_initial(self, step):
        user = self.request.user
        defaults = {
            "description": {
                "contact_name": user.get_full_name(),
                "contact_phone": user.phone or "",
            },
            "supporting": {"contact_email": user.email},
        }.get(step, {})
        # Profile defaults first, so values re-posted by "Update lists" win.
        return {**defaults, **super().get_form_initial(step)}

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        context["eligibility"] = self.eligibility
        context["is_first_step"] = self.steps.current == self.steps.first
        if self.steps.current != self.steps.first:
            context["route"] = self._chosen_route()
        return context

    def _chosen_route(self):
        """The team a non-technical problem chosen on step 1 goes to (shown before Submit)."""
        if self.storage.get_step_data("problem") is None:
            return None
        cleaned = self.get_cleaned_data_for_step("problem")
        leaf = ProblemForm.leaf_of(cleaned) if cleaned else None
        route = leaf.effective_route if leaf else ""
        return RoutedTeam(route).label if route else None

    # --- submit -----------------------------------------------------------
    def done(self, form_list, form_dict, **kwargs):
        draft = office365_draft(self.request.user, form_dict, submission_key=self.submission_key())
        draft.finished_draft_id = self.finished_draft_id()
        incident = submit_incident(draft)
        return redirect("incidents:confirmation", number=incident.number)


def office365_draft(user, form_dict, *, submission_key) -> IncidentDraft:
    """The incident the Office 365 wizard's answers describe."""
    details = form_dict["description"].cleaned_data
    supporting = form_dict["supporting"]
    info = supporting.cleaned_data
    leaf: Topic = form_dict["problem"].leaf()
    path = leaf.path()
    route, reject_reason = office365_decision(user, leaf)
    return IncidentDraft(
        user=user,
        channel=Channel.OFFICE365,
        product=office365_product_of(path[0]),
        topic=leaf,
        title=details["title"],
        description=details["description"],
        error_message=details["error_message"],
        contact_name=details["contact_name"],
        contact_phone=details["contact_phone"].as_international,
        contact_email=info["contact_email"],
        severity=info["severity"],
        is_24x7=info["is_24x7"],
        facts=supporting.facts(),
        route_to=route,
        reject_reason=reject_reason,
        files=form_dict["attach"].cleaned_data["attachments"],
        submission_key=submission_key,
        support_language=user.language,
        time_zone=user.time_zone,
        break_fix=all(node.is_break_fix for node in path),
    )
