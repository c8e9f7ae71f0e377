"""Submit an Office 365 incident online (Signature Cloud Support, SPEC §4.1, seed 000).

Four steps — Define the problem, Add a detailed description, Add supporting
information, Attach file — then one call to ``submit_incident``. The partner's
eligibility is shown before step 1: an ineligible partner may submit, but the
incident is rejected with the reason; a non-technical issue type is routed to
its team. No contract unit is taken ("used/remaining figures do not block an
eligible partner").
"""

from __future__ import annotations

import hashlib
from functools import cached_property

from django import forms
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
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
from incidents.wizards.business_cache import answers_digest, cached_summary, catalogue_stamp
from partners.models import ScsProduct
from portal.lib.partner_only import PartnerRequiredMixin
from portal.lib.wizards import PortalWizardView

# Remembers the last incident this session submitted, so that a repeated final
# POST after the wizard was reset lands on the same confirmation.
LAST_SUBMITTED_KEY = "office365_wizard_last_submitted"
# A step's fields drawn for a form not yet posted depend only on what the key of
# step_drawing() holds (language, values, options, the arguments that shape the fields):
# the time bounds memory and a template changed by a deploy with a shared cache, not
# staleness (as the Business plan step's routing fields).
STEP_DRAWING_SECONDS = 300
SUMMARY_KEY = "office365:summary:v1:{digest}"


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
    # wizard/step.html, with the step's fields drawn once per step_drawing() key.
    template_name = "incidents/office365/step.html"
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
        context["step_drawing"] = step_drawing(form, self.get_form_kwargs(self.steps.current))
        return context

    # --- what later steps show of the earlier ones, kept in the cache -------------------
    # The route notice (every step after the first) and the review's rows (the attach
    # step) came from the earlier steps' forms, rebuilt and validated on every request
    # only to be shown. They are kept under a digest of what they are built from: the
    # stored answers of the steps up to that one and the arguments of their forms (region,
    # time zone), the user, language, time zone, date and the catalogue's stamp (topics,
    # products: business_cache's, bumped on change), with the look-up lists' TTL for other
    # processes. The final submit does not use them: render_done validates every step
    # afresh and done() decides the route from the fresh leaf.
    @cached_property
    def _summary_context(self) -> tuple:
        """What every kept summary is built from besides the answers (read once a request)."""
        return (
            type(self).__name__,
            self.request.user.pk,
            get_language(),
            timezone.get_current_timezone_name(),
            timezone.localdate().isoformat(),
            catalogue_stamp(),
        )

    def _cached(self, what: str, last: str, compute):
        answers = []
        for step in self.get_form_list():
            kwargs = sorted(self.get_form_kwargs(step).items())
            answers.append((step, answers_digest(self.storage.get_step_data(step)), repr(kwargs)))
            if step == last:
                break
        what = (self._summary_context, what, answers)
        digest = hashlib.md5(repr(what).encode(), usedforsecurity=False).hexdigest()
        return cached_summary(SUMMARY_KEY.format(digest=digest), compute)

    def _chosen_route(self):
        """The team a non-technical problem chosen on step 1 goes to (shown before Submit)."""
        if self.storage.get_step_data("problem") is None:
            return None
        return self._cached("route", "problem", self._read_route)

    def _read_route(self) -> str | None:
        cleaned = self.get_cleaned_data_for_step("problem")
        leaf = ProblemForm.leaf_of(cleaned) if cleaned else None
        route = leaf.effective_route if leaf else ""
        return str(RoutedTeam(route).label) if route else None

    def review_sections(self) -> list[dict]:
        """The base class's sections, each step's rows kept in the cache (see above)."""
        sections = []
        for step in self.get_form_list():
            if step == self.review_step:
                continue
            data = self.storage.get_step_data(step)
            if data is None:
                continue  # not answered yet
            rows = self._cached(
                "summary", step, lambda step=step, data=data: self._rows(step, data)
            )
            if rows is not None:
                sections.append(
                    {"step": step, "title": self.step_titles.get(step, step), "rows": rows}
                )
        return sections

    def _rows(self, step, data) -> list[tuple[str, str]] | None:
        """``(label, answer)`` of a stored step's form, as the base class shows them;
        None if it is not valid (any more)."""
        form = self.get_form(step=step, data=data, files=self.storage.get_step_files(step))
        if not form.is_bound or not form.is_valid():
            return None
        rows = [
            (field.label, self.review_value(field, form.cleaned_data.get(name)))
            for name, field in form.fields.items()
            if not isinstance(field.widget, forms.HiddenInput)
        ]
        return [(str(label), str(value)) for label, value in rows if value not in ("", None)]

    # --- submit -----------------------------------------------------------
    def done(self, form_list, form_dict, **kwargs):
        draft = office365_draft(self.request.user, form_dict, submission_key=self.submission_key())
        draft.finished_draft_id = self.finished_draft_id()
        incident = submit_incident(draft)
        return redirect("incidents:confirmation", number=incident.number)


def step_drawing(form, form_kwargs: dict) -> dict | None:
    """The cache of a step's fields as office365/step.html draws them, for a form not yet
    posted (None for a posted form: its values and errors are drawn afresh every time).

    The key holds everything the fields' HTML is made of besides the code: the step
    (prefix), language, the arguments that shape the fields (the partner's region for
    the phone number, the user's time zone for the start time), and per field its value,
    label, help text, attributes and options (the problem lists' topics, as offered now).
    """
    if form.is_bound:
        return None
    fields = []
    for name, field in form.fields.items():
        choices = getattr(field, "choices", None)
        fields.append(
            (
                name,
                str(form[name].value()),
                _text(field.label),
                _text(field.help_text),
                sorted((k, _text(v)) for k, v in field.widget.attrs.items()),
                [(str(value), _text(label)) for value, label in choices] if choices else None,
            )
        )
    what = (
        type(form).__qualname__,
        form.prefix,
        get_language(),
        sorted((k, str(v)) for k, v in form_kwargs.items()),
        fields,
    )
    return {
        "seconds": STEP_DRAWING_SECONDS,
        "key": hashlib.md5(repr(what).encode(), usedforsecurity=False).hexdigest(),
    }


def _text(value):
    """A text as the key needs it: a lazy translation by what it translates (the language
    is in the key), not translated again for every field of every step (≈ 0.1 ms a
    step); anything else as its string."""
    if isinstance(value, Promise):
        func, args, kwargs = value.__reduce__()[1][:3]
        return (func.__module__, func.__qualname__, args, sorted(kwargs.items()))
    return str(value)


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
