"""The competencies with their rules are cached per partner and product (issue 21);
every change to what they are read from drops them, and the rule is answered anew."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from partners.models import Competency, EligibilityRule, Partner, PartnerCompetency
from tests.builders import make_partner

LATER = dt.date(2020, 6, 1)
pytestmark = pytest.mark.django_db


def fresh(partner) -> Partner:
    return Partner.objects.get(pk=partner.pk)


def test_the_second_answer_reads_nothing_and_is_the_same(django_assert_num_queries):
    partner = make_partner(competencies=["Cloud Productivity", "Datacenter"])
    with django_assert_num_queries(1):
        first = partner.eligibility_for("azure", on=LATER)
    with django_assert_num_queries(0):
        again = partner.eligibility_for("azure", on=LATER)
    assert first == again
    assert again.rule.competency.name == first.rule.competency.name
    assert again.decided_on == first.decided_on


def test_the_cached_answer_matches_the_several_products_answer():
    partner = make_partner(competencies=["Cloud Productivity", "Cloud Platform", "Datacenter"])
    for product in ("azure", "office365"):
        partner.eligibility_for(product, on=LATER)  # cached now
        cached = partner.eligibility_for(product, on=LATER)
        assert cached == partner.eligibility_for_products([product], on=LATER)[product]


def test_a_competency_earned_is_seen_at_once():
    partner = make_partner()
    assert not partner.eligibility_for("office365", on=LATER)
    PartnerCompetency.objects.create(
        partner=partner,
        competency=Competency.objects.get(name="Cloud Productivity"),
        level="gold",
        earned_on=dt.date(2013, 1, 1),
    )
    assert fresh(partner).eligibility_for("office365", on=LATER)


def test_a_competency_removed_is_seen_at_once():
    partner = make_partner(competencies=["Cloud Productivity"])
    assert partner.eligibility_for("office365", on=LATER)
    partner.competencies.get().delete()
    assert not fresh(partner).eligibility_for("office365", on=LATER)


def test_a_rule_edited_by_staff_is_seen_at_once_by_every_partner():
    partner = make_partner(competencies=["Cloud Productivity"])
    before = partner.eligibility_for("office365", on=LATER)
    rule = EligibilityRule.objects.get(product="office365", competency__name="Cloud Productivity")
    rule.available_from = dt.date(2021, 1, 1)
    rule.save()
    after = fresh(partner).eligibility_for("office365", on=LATER)
    assert before and not after
    assert after.decided_on == dt.date(2021, 1, 1)


def test_a_competency_renamed_reads_with_its_new_name():
    partner = make_partner(competencies=["Messaging"])
    partner.eligibility_for("office365", on=LATER)
    competency = Competency.objects.get(name="Messaging")
    competency.name_hu = "Üzenetküldés (új)"
    competency.save()
    with translation.override("hu"):
        answer = fresh(partner).eligibility_for("office365", on=LATER)
    assert "Üzenetküldés (új)" in answer.reason


def test_each_partner_and_product_has_its_own_entry():
    eligible = make_partner(competencies=["Cloud Productivity"])
    other = make_partner()
    assert eligible.eligibility_for("office365", on=LATER)
    assert not other.eligibility_for("office365", on=LATER)
    assert not eligible.eligibility_for("azure", on=LATER)


def test_the_instances_are_built_once_while_the_values_are_the_same():
    partner = make_partner(competencies=["Cloud Platform"])
    first = partner.eligibility_for("azure", on=LATER)
    again = fresh(partner).eligibility_for("azure", on=LATER)
    assert again.rule is first.rule  # kept in the process, not rebuilt from the values
    held = PartnerCompetency.objects.filter(partner=partner).get()
    held.earned_on = dt.date(2019, 1, 1)
    held.save()  # other values: built anew
    changed = fresh(partner).eligibility_for("azure", on=LATER)
    assert changed.rule is not first.rule
    assert changed.decided_on == dt.date(2019, 1, 1) != first.decided_on


def test_the_kept_instances_hold_no_callers_partner():
    from partners import eligibility

    partner = make_partner(competencies=["Cloud Platform"])
    held, rules = eligibility._held_with_rules(partner, "azure", EligibilityRule)
    assert [pc.partner_id for pc in held] == [partner.pk]
    assert "partner" not in held[0]._state.fields_cache  # not the caller's instance
    assert list(rules.values())[0].competency is held[0].competency


def test_the_kept_instances_are_bounded(monkeypatch):
    from partners import eligibility

    monkeypatch.setattr(eligibility, "BUILT_MAX", 2)
    monkeypatch.setattr(eligibility, "_BUILT", {})
    partners = [make_partner(competencies=["Cloud Platform"]) for _ in range(3)]
    for partner in partners:
        assert partner.eligibility_for("azure", on=LATER)
    assert len(eligibility._BUILT) <= 2
