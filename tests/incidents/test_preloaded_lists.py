"""A step form's dependent lists are offered and validated from the objects read once
(the cached catalogue): their querysets are built only if something asks for them
(incidents/forms/taxonomy.py ``PreloadedChoiceMixin.preload``, issue 21)."""

from __future__ import annotations

from django.template.loader import render_to_string

from contracts.models import ProductVersion
from incidents.forms import business, office365
from incidents.models import Topic
from tests.incidents.test_business_wizard import make_onprem_catalogue


def problem_form(cat, **extra):
    data = {
        "problem-product": cat["root"].pk,
        "problem-version": cat["current"].pk,
        "problem-category": cat["category"].pk,
        "problem-problem": cat["problem"].pk,
        "problem-title": "Slow",
        "problem-description": "Queries are slow.",
        **extra,
    }
    return business.ProblemForm(data=data, prefix="problem")


def test_a_step_form_is_built_validated_and_drawn_without_building_its_lists_querysets(db):
    cat = make_onprem_catalogue()
    form = problem_form(cat)
    assert form.is_valid(), form.errors
    render_to_string("incidents/includes/form_fields.html", {"form": form})
    for name in ("product", "version", "category", "problem"):
        assert form.fields[name]._queryset_factory is not None, name
    assert form.cleaned_data["problem"] == cat["problem"]
    assert form.cleaned_data["version"] == cat["current"]


def test_a_lists_queryset_when_asked_for_holds_what_it_offers(db):
    cat = make_onprem_catalogue()
    form = problem_form(cat)
    for name, model in (
        ("product", Topic),
        ("category", Topic),
        ("problem", Topic),
        ("version", ProductVersion),
    ):
        field = form.fields[name]
        assert field.queryset.model is model
        assert list(field.queryset) == field.preloaded, name
        assert field._queryset_factory is None  # built once


def test_a_choice_outside_the_preloaded_list_is_refused(db):
    cat = make_onprem_catalogue()
    form = problem_form(cat, **{"problem-problem": cat["category"].pk})
    assert not form.is_valid()
    assert "problem" in form.errors
    form = problem_form(cat, **{"problem-version": "not a number"})
    assert not form.is_valid()
    assert "version" in form.errors


def test_an_unbound_form_offers_the_roots_only(db):
    form = office365.ProblemForm(prefix="problem")
    roots = form.fields[form.chain_fields[0]]
    assert list(roots.queryset) == roots.preloaded
    for name in form.chain_fields[1:]:
        assert form.fields[name].preloaded == []
        assert list(form.fields[name].queryset) == []
