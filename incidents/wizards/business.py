"""Support for Business: a vertical six-stage wizard for on-premises and hybrid products
(SPEC §4.3, seed 002). Every answered stage stays visible with an Edit button."""

from __future__ import annotations

import hashlib
from functools import cached_property

from django import forms
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from contracts.models import Contract
from incidents import lookups
from incidents.forms.business import (
    PrimaryContactForm,
    ProblemForm,
    ReviewForm,
    ShareForm,
    SupportForm,
    colleagues,
    submitter_will_not_see,
    suggested_articles,
)
from incidents.forms.contract_step import ADD_CONTRACT_FIELD, ContractStepWizardMixin
from incidents.forms.lists import LookupChoiceField
from incidents.forms.taxonomy import RefreshableWizardMixin
from incidents.models import Channel, Incident
from incidents.services import IncidentDraft, SubmissionError, submit_incident
from incidents.wizards.business_cache import (
    TTL as LOOKUP_TTL,
)
from incidents.wizards.business_cache import (
    answers_digest,
    cached_articles,
    cached_colleagues,
    cached_plan_options,
    cached_problem_choice,
    cached_summary,
    summary_key,
    summary_scope,
)
from partners.stamps import USERS, partner_stamp
from portal.lib.partner_only import PartnerRequiredMixin
from portal.lib.wizards import PortalWizardView, display_value

PROBLEM, SUPPORT, CONTACT, SHARE, REVIEW = "problem", "support", "contact", "share", "review"
SUPPORT_FIELDS = ("severity", "is_24x7", "country", "time_zone", "support_language")
RETURN_TO_REVIEW = "return_to_review"
# "Buy a support incident" on the plan step: keep the step's entries, buy, come back (issue 19).
BUY_INCIDENT_FIELD = "buy_incident"
RESUME_PARAM = "resume"
# The plan step's severity and routing fields depend only on the language and the values
# shown (step_support.html, key from routing_fragment()): like the queue's fragments, the
# time bounds memory (and a template changed by a deploy with a shared cache), not staleness.
ROUTING_FRAGMENT_SECONDS = 300
# The contact step's colleagues, drawn: as long as the colleagues themselves are kept.
CONTACT_FRAGMENT_SECONDS = LOOKUP_TTL


class BusinessWizard(
    PartnerRequiredMixin,
    ContractStepWizardMixin,
    RefreshableWizardMixin,
    PortalWizardView,
):
    form_list = [
        (PROBLEM, ProblemForm),
        (SUPPORT, SupportForm),
        (CONTACT, PrimaryContactForm),
        (SHARE, ShareForm),
        (REVIEW, ReviewForm),
    ]
    step_titles = {
        PROBLEM: _lazy("Tell us about the problem"),
        SUPPORT: _lazy("Type of support"),
        CONTACT: _lazy("Primary contact"),
        SHARE: _lazy("Share this request"),
        REVIEW: _lazy("Review"),
    }
    submit_title = _lazy("Submit")
    page_title = _lazy("Support for Business")
    submit_label = _lazy("Submit request")
    review_step = REVIEW
    contract_step = SUPPORT
    template_name = "incidents/business/wizard.html"
    last_submitted_key = "business_wizard_last_submitted"
    submission_errors = (SubmissionError,)

    # --- buying a plan from the plan step and coming back ----------------------------
    def post(self, *args, **kwargs):
        if BUY_INCIDENT_FIELD in self.request.POST and self.storage.current_step == SUPPORT:
            # Keep what was entered on the step, even unfinished, like Back does.
            form = self.get_form(data=self.request.POST, files=self.request.FILES)
            self.storage.set_step_data(SUPPORT, self.process_step(form))
            product, _version = self.chosen_product_and_version()
            back = reverse("incidents:business") + "?" + urlencode({RESUME_PARAM: 1})
            query = {"next": back, **({"product": product.pk} if product else {})}
            return redirect(reverse("purchases:buy") + "?" + urlencode(query))
        return super().post(*args, **kwargs)

    def get(self, request, *args, **kwargs):
        if request.GET.get(RESUME_PARAM) and self.storage.get_step_data(PROBLEM) is not None:
            # Back from a purchase: the same run, on the plan step, with the new plan chosen.
            self.storage.current_step = SUPPORT
            plan = request.GET.get("plan", "")
            if plan.isdigit():
                mine = Contract.objects.registered_to(request.user).filter(pk=int(plan))
                if mine.exists():
                    self._contract_initial = {"contract": int(plan)}
            return self.render(self.get_form())
        return super().get(request, *args, **kwargs)

    # --- forms ------------------------------------------------------------------
    def get_form_kwargs(self, step=None):
        user = self.request.user
        if step == PROBLEM:
            return {"user": user}
        if step == CONTACT:
            return {"user": user, "people": self.colleagues}
        if step == SUPPORT:
            product, version = self.chosen_product_and_version()
            return {
                "user": user,
                "product": product,
                "version": version,
                "options": self.plan_options(product, version),
            }
        if step == SHARE:
            return {"user": user, "primary": self.primary_contact(), "people": self.colleagues}
        return {}

    def get_form_initial(self, step):
        initial = dict(super().get_form_initial(step) or {})
        user = self.request.user
        if step == SUPPORT:
            initial.setdefault("time_zone", user.time_zone or "UTC")
            initial.setdefault("support_language", user.language or "en")
            if user.partner_id:
                initial.setdefault("country", user.partner.country.code)
            post = self.request.POST
            if self.request.method == "GET":
                # Resumed after a purchase: what was entered before leaving the step.
                post = self.storage.get_step_data(SUPPORT) or {}
            if (ADD_CONTRACT_FIELD in post or self.request.method == "GET") and (
                self.steps.current == SUPPORT
            ):
                # Adding a contract re-renders the step: keep what was already chosen.
                for name in SUPPORT_FIELDS:
                    key = f"{SUPPORT}-{name}"
                    if key in post:
                        initial[name] = post[key]
        return initial

    @cached_property
    def colleagues(self) -> list:
        """The people a request can be shared with: kept per partner (business_cache)."""
        user = self.request.user
        return cached_colleagues(user, lambda: colleagues(user))

    def plan_options(self, product, version):
        """``Contract.options_for`` the product and version, once per request.

        Read afresh when the plan step is drawn after the problem step's POST, and on the
        final submit (which decides on fresh data: units, dates, registrations); the plan
        step's own POST (and a later summary) validates the choice against the list the
        user was shown, kept in the cache (business_cache) until the partner's contracts
        change (a unit taken included) or ``LOOKUP_CACHE_TTL`` passes."""
        if product is None:
            return None
        user = self.request.user
        memo = self.__dict__.setdefault("_plan_options", {})
        key = (product.pk, getattr(version, "pk", None))
        if key not in memo and self.steps.current == REVIEW:
            # The submit reads afresh and keeps nothing: the unit it takes bumps the
            # partner's contracts stamp, so a list kept now would never be read.
            memo[key] = Contract.options_for(user, product, version)
        if key not in memo:
            memo[key] = cached_plan_options(
                user,
                product,
                version,
                lambda: Contract.options_for(user, product, version),
                fresh=self.steps.current == PROBLEM,
            )
        return memo[key]

    def chosen_product_and_version(self):
        root, version, _category = self.problem_choice
        return (root.product if root else None), version

    @cached_property
    def problem_choice(self) -> tuple:
        """The product (its catalogue root), version and category chosen on the problem
        step; Nones if its answers are missing or not valid.

        The problem step's own POST and the final submit validate the step's form (the
        submit decides on fresh data); the steps in between (the plan step shapes its
        plan list with them) read what that validation gave: kept under the step's answers
        and the catalogue's stamp (business_cache), the objects from the cached catalogue,
        not rebuilding and validating the problem form on every request."""
        data = self.storage.get_step_data(PROBLEM)
        if data is None:
            return (None, None, None)
        validated = []

        def validate():
            validated.append(self._validated_problem_choice())
            chosen = validated[0]
            return None if chosen[0] is None else tuple(getattr(o, "pk", None) for o in chosen)

        ids = cached_problem_choice(
            self.request.user,
            answers_digest(data),
            validate,
            fresh=self.steps.current in (PROBLEM, REVIEW),
        )
        if validated:
            return validated[0]
        if ids is None:
            return (None, None, None)
        return catalogue_choice(*ids) or self._validated_problem_choice()

    def _validated_problem_choice(self) -> tuple:
        data = self.get_cleaned_data_for_step(PROBLEM) or {}
        return data.get("product"), data.get("version"), data.get("category")

    def primary_contact(self):
        data = self.get_cleaned_data_for_step(CONTACT) or {}
        return data.get("primary_contact")

    def additional_contacts(self):
        data = self.get_cleaned_data_for_step(SHARE) or {}
        return list(data.get("additional_contacts") or [])

    # --- navigation: an Edit from Review comes back to Review -----------------------
    def render_goto_step(self, goto_step, **kwargs):
        extra = self.storage.extra_data
        extra[RETURN_TO_REVIEW] = self.steps.current == REVIEW and goto_step != REVIEW
        self.storage.extra_data = extra
        return super().render_goto_step(goto_step, **kwargs)

    def render_next_step(self, form, **kwargs):
        if not self.storage.extra_data.get(RETURN_TO_REVIEW):
            return super().render_next_step(form, **kwargs)
        # After an edit, go to the first later stage the change made incomplete, else Review.
        names = list(self.get_form_list())
        for step in names[names.index(self.steps.current) + 1 :]:
            stored = self.get_form(
                step=step,
                data=self.storage.get_step_data(step),
                files=self.storage.get_step_files(step),
            )
            if step == REVIEW or not stored.is_bound or not stored.is_valid():
                break
        if step == REVIEW:
            extra = self.storage.extra_data
            extra[RETURN_TO_REVIEW] = False
            self.storage.extra_data = extra
        self.storage.current_step = step
        return self.render(stored, **kwargs)

    # --- page ---------------------------------------------------------------------
    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        current = self.steps.current
        # On Review the base class has just built the sections: not twice per request.
        sections = context.get("review_sections")
        if sections is None:
            sections = self.review_sections()
        context["stages"] = self.stages(current, sections)
        if current == PROBLEM:
            context["articles"] = form.articles()
        elif current == SUPPORT:
            context["routing_fragment"] = routing_fragment(form)
            root, _version, category = self.problem_choice
            product = root.product if root else None
            context["articles"] = cached_articles(
                product, category, lambda: suggested_articles(product, category)
            )
        elif current == CONTACT:
            context["contact_fragment"] = contact_fragment(form, self.request.user)
        if current in (SHARE, REVIEW):
            user = self.request.user
            primary = self.primary_contact()
            context["primary"] = primary
            if current == SHARE:
                additional = (
                    form.cleaned_data.get("additional_contacts", [])
                    if form.is_bound and form.is_valid()
                    else []
                )
            else:
                additional = self.additional_contacts()
            context["submitter_will_not_see"] = submitter_will_not_see(user, primary, additional)
        return context

    def stages(self, current, sections) -> list[dict]:
        """Every stage stacked on the page: the current one, the answered ones with their
        summary rows, those to do, and the submit."""
        summaries = {section["step"]: section for section in sections}
        stages = []
        for number, name in enumerate(self.get_form_list(), start=1):
            if name == current:
                state = "current"
            elif name in summaries:
                state = "done"
            else:
                state = "todo"
            stages.append(
                {
                    "name": name,
                    "number": number,
                    "title": self.step_titles[name],
                    "state": state,
                    "rows": summaries[name]["rows"] if name in summaries else [],
                }
            )
        stages.append(
            {
                "name": "submit",
                "number": len(stages) + 1,
                "title": self.submit_title,
                "state": "todo",
                "rows": [],
            }
        )
        return stages

    def review_sections(self) -> list[dict]:
        """The answered stages' rows, as the base class builds them, each kept in the cache
        under a digest of what it is built from (business_cache): a later step does not
        rebuild and validate every earlier step's form to summarise it. The stage being
        answered is not summarised (its form is shown), except on Review."""
        current = self.steps.current
        scope = None
        sections, answers = [], []
        for step in self.get_form_list():
            if step == self.review_step:
                continue
            data = self.storage.get_step_data(step)
            answers.append((step, answers_digest(data)))
            if data is None or (step == current and current != self.review_step):
                continue
            if scope is None:
                scope = summary_scope(type(self).__name__, self.request.user)
            key = summary_key(scope, step, answers)
            rows = cached_summary(key, lambda step=step, data=data: self.summary_rows(step, data))
            if rows is not None:
                sections.append(
                    {"step": step, "title": self.step_titles.get(step, step), "rows": rows}
                )
        return sections

    def summary_rows(self, step, data) -> list[tuple[str, str]] | None:
        """``(label, answer)`` of a stored step's form; None if it is not valid (any more)."""
        form = self.get_form(step=step, data=data, files=self.storage.get_step_files(step))
        if not form.is_bound or not form.is_valid():
            return None
        rows = [
            (str(field.label), self.review_value(field, form.cleaned_data.get(name)))
            for name, field in form.fields.items()
            if not isinstance(field.widget, forms.HiddenInput)
        ]
        return [(label, str(value)) for label, value in rows if value not in ("", None)]

    def review_value(self, field, value) -> str:
        if value is False:
            return ""  # an unticked box says nothing worth checking
        if isinstance(field, forms.ModelMultipleChoiceField) and not value:
            return _("None")
        if isinstance(field, LookupChoiceField):
            return field.label_of(value)  # a look-up, not a walk through the whole list
        return display_value(field, value)

    # --- submit ---------------------------------------------------------------------
    def failure_step(self, exc, form_dict):
        if isinstance(exc, SubmissionError):
            return SUPPORT  # the contract and its units are chosen there
        return super().failure_step(exc, form_dict)

    def fail(self, step, message):
        # Nothing was created: the step with the reason, then back to Review.
        if step != REVIEW:
            extra = self.storage.extra_data
            extra[RETURN_TO_REVIEW] = True
            self.storage.extra_data = extra
        return super().fail(step, message)

    def done(self, form_list, form_dict=None, **kwargs):
        user = self.request.user
        draft = business_draft(user, form_dict, submission_key=self.submission_key())
        draft.finished_draft_id = self.finished_draft_id()
        incident = submit_incident(draft)
        contacts = [draft.primary_contact.pk, *(c.pk for c in draft.additional_contacts)]
        if Incident.objects.sees_new(user, incident, contacts):
            return redirect("incidents:confirmation", number=incident.number)
        # The submitter is no longer a contact, so the confirmation page is not theirs to open.
        return render(
            self.request,
            "incidents/business/submitted_for_colleague.html",
            {"incident": incident, "primary": draft.primary_contact, "page_title": self.page_title},
        )


def catalogue_choice(root_id, version_id, category_id) -> tuple | None:
    """The product's root topic, the version and the category with these ids, the objects
    the problem step's form hands out (the cached catalogue's: incidents/lookups.py); None
    if one of them is no longer there."""
    topics = {t.pk: t for t in lookups.topic_catalogue() if t.pk in (root_id, category_id)}
    root, category = topics.get(root_id), topics.get(category_id)
    if root is None or category is None or root.product is None:
        return None
    version = next(
        (v for v in lookups.product_versions(root.product_id) if v.pk == version_id), None
    )
    if version is None:
        return None
    return root, version, category


def routing_fragment(form) -> dict:
    """The cache of the plan step's "Severity and routing" fields (step_support.html), drawn
    by their template: kept per language and values when the form is not bound (the same
    HTML for everyone who starts with those values); a posted form (with its errors) is
    drawn afresh every time."""
    values = tuple(str(form[name].value()) for name in SUPPORT_FIELDS)
    what = (form.prefix, form.is_bound, get_language(), values)
    return {
        "seconds": 0 if form.is_bound else ROUTING_FRAGMENT_SECONDS,
        "key": hashlib.md5(repr(what).encode(), usedforsecurity=False).hexdigest(),
    }


def contact_fragment(form, user) -> dict:
    """The cache of the contact step's radio list of colleagues (step_contact.html), drawn
    by its template: kept per language, choice and the partner's users stamp (a colleague
    added, renamed or deactivated bumps it; other workers see it within the TTL) when the
    form is not bound; a posted form (with its errors) is drawn afresh every time."""
    partner = getattr(user, "partner_id", None)
    what = (
        form.prefix,
        form.is_bound,
        get_language(),
        str(form["primary_contact"].value()),
        partner,
        partner_stamp(partner, USERS),
    )
    return {
        "seconds": 0 if form.is_bound else CONTACT_FRAGMENT_SECONDS,
        "key": hashlib.md5(repr(what).encode(), usedforsecurity=False).hexdigest(),
    }


def business_draft(user, form_dict, *, submission_key) -> IncidentDraft:
    """The incident the Support for Business wizard's answers describe."""
    problem = form_dict[PROBLEM].cleaned_data
    support = form_dict[SUPPORT].cleaned_data
    primary = form_dict[CONTACT].cleaned_data["primary_contact"]
    topic = problem["problem"]
    return IncidentDraft(
        user=user,
        channel=Channel.BUSINESS,
        title=problem["title"],
        description=problem["description"],
        severity=support["severity"],
        is_24x7=support["is_24x7"],
        time_zone=support["time_zone"],
        support_language=support["support_language"],
        # Only the primary contact is e-mailed (seed 002).
        contact_name=primary.get_full_name() or primary.username,
        contact_email=primary.email,
        contact_phone=str(primary.phone or ""),
        product=problem["product"].product,
        product_version=problem["version"],
        topic=topic,
        contract=support["contract"],
        route_to=topic.effective_route,
        primary_contact=primary,
        additional_contacts=list(form_dict[SHARE].cleaned_data["additional_contacts"]),
        facts={
            "country": support["country"],
            "category": problem["category"].name,
        },
        submission_key=submission_key,
        break_fix=topic.is_break_fix,
    )
