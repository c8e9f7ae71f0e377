"""``Contract.get_kind_display`` reads the kind's label from the enum (issue 21): the same
text Django's generated method gives, in every language, for every kind."""

from __future__ import annotations

import pytest
from django.utils import translation

from contracts.models import Contract, ContractKind


@pytest.mark.parametrize("language", ["en", "hu"])
@pytest.mark.parametrize("kind", ContractKind.values)
def test_each_kind_reads_as_djangos_display(kind, language):
    contract = Contract(kind=kind)
    field = Contract._meta.get_field("kind")
    with translation.override(language):
        assert contract.get_kind_display() == contract._get_FIELD_display(field)
        assert type(contract.get_kind_display()) is str


def test_a_kind_given_as_the_enum_reads_as_its_label():
    contract = Contract(kind=ContractKind.CSP)
    assert contract.get_kind_display() == "Cloud Solution Provider"


def test_a_value_not_among_the_choices_reads_as_itself():
    assert Contract(kind="retired_kind").get_kind_display() == "retired_kind"
    assert Contract(kind=None).get_kind_display() is None
    field = Contract._meta.get_field("kind")
    assert Contract(kind="retired_kind")._get_FIELD_display(field) == "retired_kind"
