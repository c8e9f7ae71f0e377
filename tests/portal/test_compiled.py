"""portal.lib.compiled: a SELECT compiled once, run with each call's values, builds the rows
the ORM builds for the same queryset (columns, converters, annotations, one related row)."""

import pytest
from django.db.models import Count

from contracts.models import Contract, ContractKind
from portal.lib.compiled import CompiledSelect, compiled_once, forget_compiled
from tests.builders import make_contract, make_partner, make_user
from tests.contracts.helpers import make_location

pytestmark = pytest.mark.django_db

PARTNER, KIND_A, KIND_B = -918_000_001, "\x00kind-a", "\x00kind-b"


def _contracts(partner_id, kinds):
    return (
        Contract.objects.filter(partner_id=partner_id, kind__in=kinds)
        .select_related("location")
        .annotate(registered=Count("registrations"))
        .order_by("pk")
    )


def _fields(contract):
    location = contract.location
    return (
        {f.attname: getattr(contract, f.attname) for f in Contract._meta.concrete_fields},
        contract.registered,
        None if location is None else (location.pk, location.name),
    )


@pytest.fixture
def contracts():
    partner = make_partner()
    user = make_user(partner)
    with_location = make_contract(partner, location=make_location(partner), register_to=user)
    without = make_contract(partner, kind=ContractKind.PRODUCT_SUPPORT, activated=False)
    make_contract(make_partner(), register_to=None)  # another partner's
    return partner, with_location, without


def test_the_rows_are_the_orms_for_each_calls_values(contracts):
    partner, with_location, without = contracts
    compiled = CompiledSelect.build(
        _contracts(PARTNER, [KIND_A, KIND_B]), partner=PARTNER, kinds=[KIND_A, KIND_B]
    )
    assert compiled is not None
    kinds = [ContractKind.SIGNATURE_CLOUD, ContractKind.PRODUCT_SUPPORT]
    rows = compiled.run("default", partner=partner.pk, kinds=kinds)
    expected = list(_contracts(partner.pk, kinds))
    assert [_fields(c) for c in rows] == [_fields(c) for c in expected]
    assert [c.pk for c in rows] == [with_location.pk, without.pk]
    assert rows[0].registered == 1 and rows[1].location is None
    assert not rows[0]._state.adding and rows[0]._state.db == "default"
    # Read afresh: another call with other values, and after a change.
    only = compiled.run("default", partner=partner.pk, kinds=[ContractKind.PRODUCT_SUPPORT, "x"])
    assert [c.pk for c in only] == [without.pk]
    Contract.objects.filter(pk=without.pk).update(name="Renamed")
    again = compiled.run("default", partner=partner.pk, kinds=kinds)
    assert again[1].name == "Renamed"


def test_a_placeholder_missing_from_the_parameters_gives_none():
    queryset = Contract.objects.filter(partner_id=PARTNER)
    assert CompiledSelect.build(queryset, partner=PARTNER, user=-918_000_002) is None


def test_several_or_nested_relations_give_none():
    two = Contract.objects.filter(partner_id=PARTNER).select_related("location", "partner")
    nested = Contract.objects.filter(partner_id=PARTNER).select_related("location__partner")
    assert CompiledSelect.build(two, partner=PARTNER) is None
    assert CompiledSelect.build(nested, partner=PARTNER) is None


def test_a_list_of_values_must_match_its_placeholders(contracts):
    partner, *_ = contracts
    compiled = CompiledSelect.build(
        _contracts(PARTNER, [KIND_A, KIND_B]), partner=PARTNER, kinds=[KIND_A, KIND_B]
    )
    with pytest.raises(ValueError):
        compiled.run("default", partner=partner.pk, kinds=[ContractKind.SIGNATURE_CLOUD])


def test_each_key_is_built_once_and_a_none_is_kept_too():
    forget_compiled()
    calls = []

    def build():
        calls.append(1)
        return None

    assert compiled_once(("test", "default"), build) is None
    assert compiled_once(("test", "default"), build) is None
    assert len(calls) == 1
    forget_compiled()
    compiled_once(("test", "default"), build)
    assert len(calls) == 2
    forget_compiled()


@pytest.mark.parametrize("kinds", [None, [ContractKind.SIGNATURE_CLOUD]])
def test_the_contract_options_and_the_draft_read_take_the_compiled_path(contracts, kinds):
    """Their shapes are taken apart (a None would mean the ORM on every call, silently)."""
    from contracts.compiled_options import registered_with_covered_ids
    from drafts.storage import _read_draft
    from portal.lib import compiled

    forget_compiled()
    partner, with_location, _ = contracts
    user = with_location.registrations.get().user
    registered_with_covered_ids(Contract, user, kinds)
    _read_draft(user.pk, "wizard")
    kept = {key[0]: value for key, value in compiled._COMPILED.items()}
    assert isinstance(kept["contracts.options"], CompiledSelect)
    assert isinstance(kept["drafts.read"], CompiledSelect)
    forget_compiled()
