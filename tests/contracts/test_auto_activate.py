import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from contracts.models import (
    ActivationRequest,
    Contract,
    ContractEvent,
    ContractKind,
    CountryActivationRule,
)
from partners.models import MembershipLevel
from tests.builders import make_contract, make_partner
from tests.contracts.helpers import make_admin, make_location

TODAY = dt.date(2026, 6, 15)


def run(on=TODAY):
    out = StringIO()
    call_command("auto_activate", f"--date={on.isoformat()}", stdout=out)
    return out.getvalue()


@pytest.fixture
def rule(db):
    return CountryActivationRule.objects.create(country="HU", auto_activate=True)


def new_partner(level=MembershipLevel.GOLD, enrolled=TODAY - dt.timedelta(days=10), **extra):
    partner = make_partner(level=level, membership_start=enrolled, **extra)
    contract = make_contract(partner, kind=ContractKind.PRODUCT_SUPPORT, activated=False)
    return partner, contract


@pytest.mark.parametrize("level", [MembershipLevel.GOLD, MembershipLevel.SILVER])
def test_it_activates_core_benefits_of_new_gold_and_silver_partners(
    rule, level, django_capture_on_commit_callbacks
):
    partner, contract = new_partner(level)

    with django_capture_on_commit_callbacks(execute=True):
        output = run()

    contract.refresh_from_db()
    assert contract.is_activated
    assert contract.activated_on == TODAY
    assert contract.ends_on == dt.date(2027, 7, 15)  # one year + 30 days
    assert "1 contract(s) activated" in output
    assert mail.outbox[0].to == [partner.headquarters.program_contact_email]
    assert contract.contract_id in mail.outbox[0].body


def test_it_leaves_the_abtk_of_a_location_alone(rule):
    partner, core = new_partner()
    abtk = make_contract(
        partner, kind=ContractKind.PRODUCT_SUPPORT, activated=False, location=make_location(partner)
    )

    run()

    core.refresh_from_db(), abtk.refresh_from_db()
    assert core.is_activated and not abtk.is_activated


def test_it_is_idempotent(rule):
    new_partner()
    run()

    output = run()

    assert "0 contract(s) activated" in output
    assert ContractEvent.objects.filter(kind=ContractEvent.Kind.ACTIVATED).count() == 1


@pytest.mark.parametrize(
    "enrolled",
    [TODAY - dt.timedelta(days=40), TODAY + dt.timedelta(days=1)],
    ids=["more than a month ago", "not yet enrolled"],
)
def test_it_only_activates_within_one_month_of_enrolment(rule, enrolled):
    _, contract = new_partner(enrolled=enrolled)

    run()

    contract.refresh_from_db()
    assert not contract.is_activated


def test_action_pack_partners_must_request_activation(rule):
    _, contract = new_partner(MembershipLevel.ACTION_PACK)

    run()

    contract.refresh_from_db()
    assert not contract.is_activated


def test_only_countries_whose_rule_is_on(db):
    CountryActivationRule.objects.create(country="HU", auto_activate=False)
    _, off = new_partner()
    _, no_rule = new_partner(country="CZ")

    run()

    assert not Contract.objects.filter(pk__in=[off.pk, no_rule.pk], status="activated").exists()


def test_a_pending_request_for_the_core_benefits_is_answered(rule):
    partner, _ = new_partner()
    request = ActivationRequest.objects.create(
        partner=partner,
        location=partner.headquarters,
        requested_by=make_admin(partner),
        routed_to="rsc",
        contact_name="A",
        company="B",
        partner_number=partner.partner_number,
    )

    run()

    request.refresh_from_db()
    assert request.status == ActivationRequest.Status.ACTIVATED
