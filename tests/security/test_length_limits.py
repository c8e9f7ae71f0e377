"""Length limits on every free-text field (issue 14): the form refuses too long a
text with a clear message (and renders maxlength, used by the counter in
static/js/char-counter.js), and the database refuses it too."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.db import IntegrityError, models, transaction

import incidents.forms
from incidents.forms.azure import DetailsForm
from incidents.forms.followup import MessageForm, RejectForm
from incidents.models import TEXT_MAX_LENGTH, TITLE_MAX_LENGTH, Incident, Message
from incidents.services import IncidentDraft, submit_incident

FORM_MODULES = [
    "partners.forms",
    "contracts.forms",
    *(f"incidents.forms.{m.name}" for m in pkgutil.iter_modules(incidents.forms.__path__)),
]
# Parsing fields (UUIDs, phone numbers via the phonenumbers library, which refuses
# over 250 characters) are not free text.
FREE_TEXT = (forms.CharField, forms.EmailField, forms.URLField, forms.SlugField, forms.RegexField)
# Written by staff in the admin only, never from a portal form.
STAFF_ONLY_TEXT = {"partners.ServiceHealthEvent.details"}


def _form_classes():
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == name:
                yield cls


def test_every_text_field_of_every_form_has_a_length_limit():
    unlimited = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in _form_classes()
        for name, field in cls.base_fields.items()
        if type(field) in FREE_TEXT and not field.disabled and field.max_length is None
    ]
    assert not unlimited


def test_every_free_text_column_is_limited_in_the_database():
    unlimited = []
    for label in ("partners", "contracts", "incidents"):
        for model in apps.get_app_config(label).get_models():
            names = {c.name for c in model._meta.constraints}
            for field in model._meta.get_fields():
                key = f"{model._meta.label}.{getattr(field, 'name', '')}"
                if isinstance(field, models.TextField) and key not in STAFF_ONLY_TEXT:
                    expected = f"{model._meta.model_name}_{field.name}_max_length"
                    if expected not in names:
                        unlimited.append(key)
                elif isinstance(field, models.CharField) and field.max_length is None:
                    unlimited.append(key)
    assert not unlimited


@pytest.mark.parametrize(
    ("form_class", "field", "limit"),
    [
        (DetailsForm, "title", TITLE_MAX_LENGTH),
        (DetailsForm, "description", TEXT_MAX_LENGTH),
        (DetailsForm, "error_message", TEXT_MAX_LENGTH),
        (MessageForm, "body", TEXT_MAX_LENGTH),
        (RejectForm, "reason", 2000),
    ],
)
def test_the_form_refuses_one_character_too_many_and_shows_the_limit(form_class, field, limit):
    form = form_class(data={field: "x" * (limit + 1)})
    assert not form.is_valid()
    assert f"at most {limit:,}".replace(",", "") in " ".join(form.errors[field]).replace(",", "")
    assert form_class(data={field: "x" * limit}).errors.get(field) is None
    assert f'maxlength="{limit}"' in str(form_class()[field])


def _incident(user, **overrides):
    data = dict(
        user=user,
        channel="office365",
        title="Mail flow stopped",
        description="No mail",
        severity="B",
        contact_name="Anna",
        contact_email=user.email,
    )
    data.update(overrides)
    return submit_incident(IncidentDraft(**data))


@pytest.mark.parametrize("field", ["description", "error_message", "status_reason"])
def test_the_database_refuses_too_long_incident_texts(partner_user, field):
    incident = _incident(partner_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(**{field: "x" * (TEXT_MAX_LENGTH + 1)})
    Incident.objects.filter(pk=incident.pk).update(**{field: "x" * TEXT_MAX_LENGTH})


def test_the_database_refuses_a_too_long_message(partner_user):
    incident = _incident(partner_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(incident=incident, author=partner_user, body="x" * 10_001)
    assert not Message.objects.exists()


def test_pages_load_the_counter_script(partner_client):
    page = partner_client.get("/incidents/azure/new/").content.decode()
    assert "js/char-counter.js" in page
