"""A preloaded choice field's copy per form (issue 21): a declared empty queryset is kept,
not cloned; any other queryset is cloned as Django clones it; each copy lists its own
preloaded objects."""

from __future__ import annotations

import copy

import pytest
from django import forms

from contracts.models import Contract
from incidents.forms.contract_step import ContractChoiceField
from incidents.forms.taxonomy import TopicChoiceField
from incidents.models import Topic


def test_a_declared_empty_queryset_is_kept_and_each_copy_iterates_itself():
    field = ContractChoiceField(queryset=Contract.objects.none(), empty_label=None)
    one, two = copy.deepcopy(field), copy.deepcopy(field)
    assert one.queryset is field.queryset  # empty: nothing to share
    assert one.queryset.query.is_empty()
    assert one.widget is not field.widget and one.widget.choices.field is one
    assert two.widget.choices.field is two


@pytest.mark.django_db
def test_copies_list_their_own_preloaded_objects_and_refuse_the_others():
    field = ContractChoiceField(queryset=Contract.objects.none(), empty_label=None)
    one, two = copy.deepcopy(field), copy.deepcopy(field)
    first, second = Contract(pk=1, name="a"), Contract(pk=2, name="b")
    one.preload(lambda: Contract.objects.filter(pk=1), [first], model=Contract)
    two.preload(lambda: Contract.objects.filter(pk=2), [second], model=Contract)
    assert [value for value, _ in one.widget.choices] == [1]
    assert [value for value, _ in two.widget.choices] == [2]
    assert one.clean("1") is first
    with pytest.raises(forms.ValidationError):
        one.clean("2")
    assert list(copy.deepcopy(field).queryset) == []  # not preloaded: still empty


def test_any_other_queryset_is_cloned():
    field = TopicChoiceField(queryset=Topic.objects.filter(is_active=True))
    copied = copy.deepcopy(field)
    assert copied.queryset is not field.queryset
    assert str(copied.queryset.query) == str(field.queryset.query)
    assert copy.deepcopy(TopicChoiceField(queryset=None)).queryset is None
