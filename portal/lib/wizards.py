"""What every wizard of the portal shares: titled steps with progress, an error
summary, a "check your answers" review, uploads kept across steps, and an
idempotency key for the final submit."""

from __future__ import annotations

import datetime
import logging
import re
import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.core.files.storage import default_storage
from django.db.models import Model
from django.forms.utils import ErrorDict
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.datastructures import MultiValueDict
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from formtools.wizard.forms import ManagementForm
from formtools.wizard.views import SessionWizardView

logger = logging.getLogger(__name__)

# What a user reads when storing a submission failed (OSError): nothing was created.
STORAGE_ERROR_MESSAGE = _lazy("Your files could not be stored. Nothing was submitted; try again.")

# formtools keeps one file per field name; several files of one field are stored
# under "<field>__<n>" and put back together as a list when the form is rebuilt.
MULTI_FILE_SEP = "__"
CSRF_FIELD = "csrfmiddlewaretoken"
SAVE_DRAFT_FIELD = "wizard_save_draft"

# Wizard state is saved per user as a draft (drafts.storage.DraftStorage); its files
# go to the default storage, so any app server can continue a wizard.
DRAFT_STORAGE = "drafts.storage.DraftStorage"


class PortalWizardMixin:
    """Mixin for ``SessionWizardView``.

    Subclasses set ``step_titles = {"step": _("Title"), ...}``, ``page_title`` and
    optionally ``submit_label`` and ``review_step`` (the name of a step whose
    template shows :meth:`review_sections`).
    """

    template_name = "wizard/step.html"
    storage_name = DRAFT_STORAGE
    file_storage = default_storage
    step_titles: dict = {}
    page_title = ""
    intro_template = ""
    submit_label = None
    review_step: str | None = None

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        current = self.steps.current
        names = list(self.get_form_list())
        index = names.index(current) if current in names else 0
        context.update(
            page_title=self.page_title,
            intro_template=self.intro_template,
            step_title=self.step_titles.get(current, current),
            progress=[
                {
                    "name": name,
                    "title": self.step_titles.get(name, name),
                    "state": "done" if i < index else "current" if i == index else "todo",
                }
                for i, name in enumerate(names)
            ],
            submit_label=self.submit_label or _("Submit"),
            is_last_step=current == self.steps.last,
        )
        context["stored_files"] = self.stored_file_names(current)
        context["draft"] = getattr(self.storage, "draft", None)
        context["draft_resumed"] = getattr(self, "resumed", False)
        if current == self.review_step:
            context["review_sections"] = self.review_sections()
        return context

    def submission_key(self) -> uuid.UUID:
        """A key for this run of the wizard: a second final POST finds the first result."""
        extra = self.storage.extra_data
        if "submission_key" not in extra:
            extra["submission_key"] = str(uuid.uuid4())
            self.storage.extra_data = extra
        return uuid.UUID(extra["submission_key"])

    # --- saved drafts (drafts.storage.DraftStorage) ---------------------------
    def finished_draft_id(self) -> int | None:
        """For ``done()``: the saved draft of this run, handed to a submit that deletes it
        inside its own transaction (the storage then deletes nothing when the request
        ends); None when nothing is saved (or the storage is not a draft storage)."""
        release = getattr(self.storage, "release", None)
        return release() if release is not None else None

    def dispatch(self, request, *args, **kwargs):
        # The draft remembers which wizard it belongs to (its title on the drafts list).
        request.wizard_view_path = f"{type(self).__module__}.{type(self).__qualname__}"
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if getattr(self.storage, "resumable", False):
            response = self.resume()
        else:
            response = super().get(request, *args, **kwargs)
        self.submission_key()
        return response

    def save_draft(self):
        """What was typed on the current step, kept as it is (wizard-draft.js, on leaving)."""
        management = ManagementForm(self.request.POST, prefix=self.prefix)
        step = management.cleaned_data["current_step"] if management.is_valid() else None
        if step not in self.get_form_list():
            return HttpResponse(status=400)
        self.storage.current_step = step
        form = self.get_form(step=step, data=self.request.POST)
        self.storage.set_step_data(step, self.process_step(form))
        return HttpResponse(status=204)

    def resume(self):
        """Back at the step where the user left, with every answer and file."""
        names = list(self.get_form_list())
        step = self.storage.current_step
        if step not in names:
            step = next((n for n in names if self.storage.get_step_data(n) is None), names[-1])
        self.storage.current_step = step
        self.resumed = True
        form = self.get_form(
            data=self.storage.get_step_data(step), files=self.storage.get_step_files(step)
        )
        if form.is_bound and isinstance(form, forms.BaseForm):
            # What was typed, as it was: no "required" errors before the user goes on.
            form.is_valid()
            self.forget_forms()
            form._errors = ErrorDict()
        return self.render(form)

    def post(self, *args, **kwargs):
        self.submission_key()  # saved with the draft: a repeated final POST finds the first
        if self.request.POST.get(SAVE_DRAFT_FIELD):
            return self.save_draft()
        try:
            return super().post(*args, **kwargs)
        except ValidationError as exc:
            if getattr(exc, "code", None) != "quota":
                raise
            # Over the upload quota: nothing was stored; the step again, with its answers.
            form = self.get_form(data=self.request.POST, files=self.request.FILES)
            form.is_valid()
            self.forget_forms()
            form.add_error(None, exc)
            response = self.render(form)
            response.status_code = 400
            return response

    # --- several files per field, kept across Back and Next -----------------
    def process_step_files(self, form):
        flat = {}
        for key in form.files:
            for index, upload in enumerate(form.files.getlist(key)):
                flat[f"{key}{MULTI_FILE_SEP}{index}"] = upload
        # New files replace (and delete) what this step held; no new files keep the old
        # ones: the storage does both.
        return flat

    def get_cleaned_data_for_step(self, step):
        # A step never answered has nothing to validate: no need to build its form.
        if step in self.form_list and self.storage.get_step_data(step) is None:
            return None
        return super().get_cleaned_data_for_step(step)

    def get_form(self, step=None, data=None, files=None):
        if files is not None and not isinstance(files, MultiValueDict):
            rebuilt = MultiValueDict()
            for key in sorted(files, key=_file_sort_key):
                rebuilt.appendlist(key.rsplit(MULTI_FILE_SEP, 1)[0], files[key])
            files = rebuilt
        form_class = self.get_form_list().get(step or self.steps.current)
        if (
            data is None
            or form_class is None
            or not issubclass(form_class, forms.BaseForm)
            or issubclass(form_class, forms.ModelForm)
        ):
            # The unbound form of the step being shown: built once per request anyway.
            return super().get_form(step=step, data=data, files=files)
        return self._bound_form(step or self.steps.current, data, files)

    # --- one form per step and answers per request ----------------------------
    # formtools rebuilds (and re-validates) every earlier step's form several times
    # per request: get_cleaned_data_for_step, conditions, render_done's revalidation,
    # the review. Each bound form is built and validated once per request and
    # reused; it is still validated against what is stored (render_done still
    # re-validates every step), and a change of the stored answers or of the
    # form's arguments (which may depend on other steps) builds a new one. The
    # cache lives on the view instance, i.e. for one request only.
    def _bound_form(self, step, data, files):
        kwargs = self.get_form_kwargs(step)
        key = (step, _data_key(data), _files_key(files), _value_key(kwargs))
        cache = self.__dict__.setdefault("_bound_forms", {})
        form = cache.get(key)
        if form is None:
            form_class = self.get_form_list()[step]
            kwargs.update(
                data=data,
                files=files,
                prefix=self.get_form_prefix(step, form_class),
                initial=self.get_form_initial(step),
            )
            form = cache[key] = form_class(**kwargs)
        return form

    def forget_forms(self) -> None:
        """Build forms afresh from now on (call before changing a form, e.g. add_error)."""
        self.__dict__.pop("_bound_forms", None)

    def stored_file_names(self, step) -> list[str]:
        stored = self.storage.data.get(self.storage.step_files_key, {}).get(step, {})
        return [
            info["name"] for _, info in sorted(stored.items(), key=lambda i: _file_sort_key(i[0]))
        ]

    def render_goto_step(self, goto_step, **kwargs):
        # Back and Edit keep what was typed on the current step, even if unfinished.
        form = self.get_form(data=self.request.POST, files=self.request.FILES)
        self.storage.set_step_data(self.steps.current, self.process_step(form))
        if form.files and form.is_valid():
            self.storage.set_step_files(self.steps.current, self.process_step_files(form))
        return super().render_goto_step(goto_step, **kwargs)

    # --- "check your answers" -------------------------------------------
    def review_value(self, field, value) -> str:
        """How one answer reads on the review ("check your answers") step."""
        return display_value(field, value)

    def review_sections(self) -> list[dict]:
        sections = []
        for step in self.get_form_list():
            if step == self.review_step:
                continue
            if self.storage.get_step_data(step) is None:
                continue  # not answered yet (an unbound form would be skipped below)
            form = self.get_form(
                step=step,
                data=self.storage.get_step_data(step),
                files=self.storage.get_step_files(step),
            )
            if not form.is_bound or not form.is_valid():
                continue
            rows = [
                (field.label, self.review_value(field, form.cleaned_data.get(name)))
                for name, field in form.fields.items()
                if not isinstance(field.widget, forms.HiddenInput)
            ]
            sections.append(
                {
                    "step": step,
                    "title": self.step_titles.get(step, step),
                    "rows": [(label, value) for label, value in rows if value not in ("", None)],
                }
            )
        return sections


def _data_key(data) -> tuple:
    # The CSRF token is no answer (and is not kept with a saved draft).
    if hasattr(data, "lists"):
        return tuple(
            sorted((key, tuple(values)) for key, values in data.lists() if key != CSRF_FIELD)
        )
    return tuple(
        sorted((key, repr(value)) for key, value in dict(data).items() if key != CSRF_FIELD)
    )


def _files_key(files) -> tuple | None:
    if not files:
        return None  # no files: the same whether none were posted or none are stored
    items = files.lists() if hasattr(files, "lists") else ((k, [v]) for k, v in files.items())
    return tuple(
        sorted(
            (key, tuple((getattr(f, "name", None), getattr(f, "size", None)) for f in fs))
            for key, fs in items
        )
    )


def _value_key(value):
    if isinstance(value, Model):
        return (type(value).__name__, value.pk)
    if isinstance(value, dict):
        return tuple(sorted((key, _value_key(v)) for key, v in value.items()))
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_value_key(v) for v in value)
    try:
        hash(value)
    except TypeError:
        return ("id", id(value))
    return value


def _file_sort_key(key: str):
    base, _, index = key.rpartition(MULTI_FILE_SEP)
    return (base, int(index)) if index.isdigit() else (key, 0)


def display_value(field, value):
    if value in (None, "", [], ()):
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        # Shown as entered: in the time zone the form read it in.
        return date_format(value, "DATETIME_FORMAT")
    if hasattr(value, "as_international"):  # a phonenumber_field PhoneNumber
        return value.as_international
    if isinstance(field, forms.ModelMultipleChoiceField):
        return ", ".join(field.label_from_instance(v) for v in value)
    if isinstance(field, forms.ModelChoiceField):
        return field.label_from_instance(value)
    if isinstance(field, forms.ChoiceField):
        choices = dict(field.choices)
        if isinstance(value, list | tuple):
            return ", ".join(str(choices.get(v, v)) for v in value)
        return str(choices.get(value, value))
    if isinstance(value, list | tuple):
        return ", ".join(
            getattr(v, "display_name", None) or getattr(v, "name", str(v)) for v in value
        )
    if hasattr(value, "read"):
        return getattr(value, "display_name", None) or value.name
    return str(value)


class GuardedPostMixin:
    """SessionWizardView mixin: refuses tampered or out-of-order POSTs.

    * missing or tampered management data, or a step that is not part of this
      run (forged ``current_step``): HTTP 400 (SuspiciousOperation);
    * a later step posted in a fresh session (expired, or already submitted):
      nothing is created; a repeat of the final POST after a successful submit
      goes back to its confirmation, anything else starts again at step one;
    * a step posted before the steps it depends on: back to the first missing one.

    After a successful ``done()`` that redirects, the address it redirected to is
    kept in a signed cookie (named ``last_submitted_key``, by default one per wizard;
    for this user, on this wizard's address): a repeat of the final POST goes back to
    that confirmation. A cookie, not the session: the final submit writes no session row.
    """

    last_submitted_key: str | None = None

    def post(self, *args, **kwargs):
        management = ManagementForm(self.request.POST, prefix=self.prefix)
        if not management.is_valid():
            raise SuspiciousOperation("Wizard management data is missing or was tampered with.")
        steps = list(self.get_form_list())
        posted = management.cleaned_data["current_step"]
        if posted not in steps:
            # Forged, or a step this run skips (e.g. the contract for billing).
            raise SuspiciousOperation(f"Wizard step {posted[:40]!r} is not part of this run.")
        if self.storage.current_step is None and posted != steps[0]:
            confirmation = self.submitted_confirmation()
            if confirmation and posted == steps[-1]:
                return redirect(confirmation)
            return self.restart_at(steps[0], _("Your answers were not found; please start again."))
        goto = self.request.POST.get("wizard_goto_step")
        target = goto if goto in steps else posted
        for step in steps:
            if step == target:
                break
            if self.storage.get_step_data(step) is None:
                return self.restart_at(step, _("Please complete this step first."))
        return super().post(*args, **kwargs)

    def restart_at(self, step, message):
        messages.warning(self.request, message)
        self.storage.current_step = step
        return self.render(self.get_form())

    def submitted_cookie_name(self) -> str:
        cls = type(self)
        name = self.last_submitted_key or f"wizard_submitted_{cls.__module__}.{cls.__qualname__}"
        return re.sub(r"[^A-Za-z0-9_-]", "_", name)

    def _submitted_salt(self) -> str:
        # Signed for this user: another account in the same browser never follows it.
        return f"{self.submitted_cookie_name()}:{self.request.user.pk}"

    def submitted_confirmation(self) -> str | None:
        """Where the last successful submit of this wizard led, if it was this user's."""
        return self.request.get_signed_cookie(
            self.submitted_cookie_name(),
            default=None,
            salt=self._submitted_salt(),
            max_age=settings.SESSION_COOKIE_AGE,
        )

    def remember_submitted(self, response) -> None:
        """Keep where a successful submit led, for a repeat of the final POST."""
        if isinstance(response, HttpResponseRedirect):
            response.set_signed_cookie(
                self.submitted_cookie_name(),
                response.url,
                salt=self._submitted_salt(),
                max_age=settings.SESSION_COOKIE_AGE,
                path=self.request.path,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )


class StepFailure(Exception):
    """Raised from ``done()`` (or a service it calls) when the submission is refused:
    ``step`` is shown again with the message, with every answer kept."""

    def __init__(self, message, step: str | None = None):
        super().__init__(message)
        self.step = step


class SubmitFailureMixin:
    """One way for every wizard to turn an expected submission failure into the step
    shown again with a message and the user's entries kept (nothing was created).

    ``done()`` may raise :class:`StepFailure`, one of ``submission_errors`` (e.g.
    ``SubmissionError``: no units left, contract not held) or an ``OSError`` (a
    file could not be stored). :meth:`failure_step` says which step shows it.
    """

    submission_errors: tuple[type[Exception], ...] = ()
    storage_error_message = STORAGE_ERROR_MESSAGE

    def render_done(self, form, **kwargs):
        # As formtools does, but a failed submission keeps the wizard's data.
        final_forms = {}
        for key in self.get_form_list():
            form_obj = self.get_form(
                step=key,
                data=self.storage.get_step_data(key),
                files=self.storage.get_step_files(key),
            )
            if not form_obj.is_valid():
                return self.render_revalidation_failure(key, form_obj, **kwargs)
            final_forms[key] = form_obj
        try:
            response = self.done(list(final_forms.values()), form_dict=final_forms, **kwargs)
        except StepFailure as exc:
            return self.fail(exc.step or self.failure_step(exc, final_forms), str(exc))
        except OSError as exc:
            logger.warning("Storing a submission failed", exc_info=True)
            return self.fail(self.failure_step(exc, final_forms), str(self.storage_error_message))
        except self.submission_errors as exc:
            return self.fail(self.failure_step(exc, final_forms), str(exc))
        self.remember_submitted(response)
        self.storage.reset()
        return response

    def failure_step(self, exc: Exception, form_dict: dict) -> str:
        """The step that shows a failure: by default the last one (where files are)."""
        return list(form_dict)[-1]

    def fail(self, step: str, message: str):
        """Re-render ``step`` with ``message``; nothing was created."""
        form = self.get_form(
            step=step,
            data=self.storage.get_step_data(step),
            files=self.storage.get_step_files(step),
        )
        form.is_valid()
        self.forget_forms()  # this form gets an error: later lookups build their own
        form.add_error(None, message)
        return self.render_revalidation_failure(step, form)


class PortalWizardView(SubmitFailureMixin, GuardedPostMixin, PortalWizardMixin, SessionWizardView):
    """The base class of every wizard of the portal: the shared steps, review and
    uploads (:class:`PortalWizardMixin`) behind one guard against forged steps,
    tampered management data and fresh-session posts (:class:`GuardedPostMixin`).

    ``tests/security/test_wizard_guard.py`` finds every wizard of the project and
    checks that it inherits this class and refuses forged posts.
    """
