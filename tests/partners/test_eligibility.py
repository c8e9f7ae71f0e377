"""Signature Cloud Support eligibility: one test per row of the SPEC §2 table (seed 000)."""

import datetime as dt

import pytest

from partners.models import EligibilityRule, MembershipLevel
from portal.lib.i18n import local_date
from tests.builders import make_partner

START = dt.date(2014, 9, 29)
LATER = dt.date(2020, 6, 1)

O365_CLOUD = ["Cloud Productivity", "Small and Midmarket Cloud Solutions"]
O365_HYBRID = [
    "Application Development",
    "Collaboration and Content",
    "Communications",
    "Devices and Deployment",
    "Messaging",
    "Midmarket Solution Provider",
    "Project and Portfolio Management",
]
AZURE_HYBRID = ["Application Development", "Datacenter", "Data Platform"]
ON_PREMISES = ["Volume Licensing", "Software Asset Management", "Learning"]


def partner_with(competency, *, earned=dt.date(2013, 1, 1), **extra):
    return make_partner(competencies=[(competency, earned)], **extra)


# --- Office 365: cloud competencies -------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("competency", O365_CLOUD)
def test_each_office365_cloud_competency_is_eligible_from_29_september_2014(competency):
    answer = partner_with(competency).eligibility_for("office365", on=START)

    assert answer.eligible
    assert answer.rule.competency.name == competency
    assert answer.decided_on == START
    assert competency in answer.reason
    assert local_date(dt.date(2014, 9, 29)) in answer.reason


@pytest.mark.django_db
@pytest.mark.parametrize("competency", O365_CLOUD)
def test_each_office365_cloud_competency_is_shown_in_my_benefits_from_about_31_october(
    competency,
):
    rule = EligibilityRule.objects.get(product="office365", competency__name=competency)

    assert rule.shown_from == dt.date(2014, 10, 31)
    assert rule.requires_renewal is False


@pytest.mark.django_db
@pytest.mark.parametrize("competency", O365_CLOUD)
def test_each_office365_cloud_competency_is_not_eligible_the_day_before(competency):
    answer = partner_with(competency).eligibility_for("office365", on=START - dt.timedelta(days=1))

    assert not answer.eligible
    assert competency in answer.reason
    assert local_date(dt.date(2014, 9, 29)) in answer.reason
    assert answer.decided_on == START


# --- Office 365: hybrid competencies ------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("competency", O365_HYBRID)
def test_each_office365_hybrid_competency_is_eligible_from_29_september_2014(competency):
    partner = partner_with(competency)

    on_the_day = partner.eligibility_for("office365", on=START)
    day_before = partner.eligibility_for("office365", on=START - dt.timedelta(days=1))

    assert on_the_day.eligible
    assert on_the_day.rule.competency.name == competency
    assert competency in on_the_day.reason and local_date(dt.date(2014, 9, 29)) in on_the_day.reason
    assert not day_before.eligible
    assert local_date(dt.date(2014, 9, 29)) in day_before.reason


@pytest.mark.django_db
@pytest.mark.parametrize("competency", O365_HYBRID)
def test_office365_hybrid_competencies_do_not_wait_for_a_renewal(competency):
    # Membership renews on 1 March; Office 365 hybrid is available from 2014-09-29 anyway.
    partner = partner_with(competency, membership_start=dt.date(2013, 3, 1))

    assert partner.eligibility_for("office365", on=dt.date(2014, 10, 1)).eligible


# --- Microsoft Azure: Cloud Platform ------------------------------------------


@pytest.mark.django_db
def test_cloud_platform_is_eligible_for_azure_from_29_september_2014():
    partner = partner_with("Cloud Platform")

    on_the_day = partner.eligibility_for("azure", on=START)
    day_before = partner.eligibility_for("azure", on=START - dt.timedelta(days=1))

    assert on_the_day.eligible
    assert on_the_day.rule.competency.name == "Cloud Platform"
    assert on_the_day.reason == (
        f"Cloud Platform competency: eligible for Microsoft Azure since {local_date(dt.date(2014, 9, 29))}."
    )
    assert not day_before.eligible
    assert day_before.reason == (
        f"Cloud Platform competency: eligible for Microsoft Azure from {local_date(dt.date(2014, 9, 29))}."
    )


@pytest.mark.django_db
def test_cloud_platform_alone_is_not_eligible_for_office365():
    answer = partner_with("Cloud Platform").eligibility_for("office365", on=LATER)

    assert not answer.eligible
    assert "Cloud Platform" in answer.reason
    assert answer.rule is None


# --- Microsoft Azure: hybrid competencies, from the first renewal -------------


@pytest.mark.django_db
@pytest.mark.parametrize("competency", AZURE_HYBRID)
def test_each_azure_hybrid_competency_waits_for_the_first_renewal_on_or_after_29_september_2014(
    competency,
):
    # Member since 1 March 2013: the first renewal on or after 2014-09-29 is 2015-03-01.
    partner = partner_with(competency, membership_start=dt.date(2013, 3, 1))

    before = partner.eligibility_for("azure", on=dt.date(2015, 2, 28))
    on_renewal = partner.eligibility_for("azure", on=dt.date(2015, 3, 1))

    assert not before.eligible
    assert before.decided_on == dt.date(2015, 3, 1)
    assert before.rule.competency.name == competency
    assert before.reason == (
        f"{competency} competency: eligible for Microsoft Azure only from the first "
        f"membership renewal on or after {local_date(dt.date(2014, 9, 29))}, which is {local_date(dt.date(2015, 3, 1))}."
    )
    assert on_renewal.eligible
    assert on_renewal.decided_on == dt.date(2015, 3, 1)
    assert competency in on_renewal.reason and local_date(dt.date(2015, 3, 1)) in on_renewal.reason


@pytest.mark.django_db
@pytest.mark.parametrize("competency", AZURE_HYBRID)
def test_an_azure_hybrid_competency_is_not_eligible_on_29_september_2014_itself(competency):
    partner = partner_with(competency, membership_start=dt.date(2013, 3, 1))

    assert not partner.eligibility_for("azure", on=START).eligible


@pytest.mark.django_db
def test_a_renewal_falling_on_29_september_2014_counts():
    partner = partner_with("Datacenter", membership_start=dt.date(2012, 9, 29))

    answer = partner.eligibility_for("azure", on=START)

    assert answer.eligible
    assert answer.decided_on == START


@pytest.mark.django_db
def test_a_hybrid_partner_that_joined_recently_waits_for_its_first_renewal():
    joined = dt.date(2024, 8, 15)
    partner = partner_with("Datacenter", earned=joined, membership_start=joined)

    waiting = partner.eligibility_for("azure", on=dt.date(2025, 8, 14))
    renewed = partner.eligibility_for("azure", on=dt.date(2025, 8, 15))

    assert not waiting.eligible
    assert local_date(dt.date(2025, 8, 15)) in waiting.reason
    assert renewed.eligible


@pytest.mark.django_db
def test_a_renewal_date_on_29_february_falls_back_to_28_february():
    partner = partner_with("Data Platform", membership_start=dt.date(2012, 2, 29))

    answer = partner.eligibility_for("azure", on=dt.date(2015, 2, 27))

    assert not answer.eligible
    assert answer.decided_on == dt.date(2015, 2, 28)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "competency", ["Datacenter", "Data Platform"]
)  # hybrid Azure-only competencies
def test_azure_only_hybrid_competencies_are_not_eligible_for_office365(competency):
    answer = partner_with(competency).eligibility_for("office365", on=LATER)

    assert not answer.eligible
    assert competency in answer.reason


@pytest.mark.django_db
@pytest.mark.parametrize(
    "competency", [c for c in O365_HYBRID if c not in AZURE_HYBRID]
)  # hybrid Office 365-only competencies
def test_office365_only_hybrid_competencies_are_not_eligible_for_azure(competency):
    assert not partner_with(competency).eligibility_for("azure", on=LATER).eligible


# --- On-premises competencies: never ------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("product", ["office365", "azure"])
@pytest.mark.parametrize("competency", ON_PREMISES)
def test_on_premises_competencies_are_never_eligible(competency, product):
    answer = partner_with(competency).eligibility_for(product, on=LATER)

    assert not answer.eligible
    assert answer.rule is None
    assert competency in answer.reason
    assert "maps to" in answer.reason


# --- The seed's example and other edges ----------------------------------------


@pytest.mark.django_db
def test_gold_cloud_productivity_partner_may_use_it_for_office365_but_not_azure():
    partner = make_partner(
        level=MembershipLevel.GOLD, competencies=[("Cloud Productivity", dt.date(2013, 1, 1))]
    )

    office365 = partner.eligibility_for("office365", on=LATER)
    azure = partner.eligibility_for("azure", on=LATER)

    assert office365.eligible
    assert (
        "Cloud Productivity" in office365.reason
        and local_date(dt.date(2014, 9, 29)) in office365.reason
    )
    assert not azure.eligible
    assert azure.reason == (
        "None of the partner's competencies (Cloud Productivity) maps to Microsoft Azure "
        "Signature Cloud Support."
    )


@pytest.mark.django_db
@pytest.mark.parametrize("product", ["office365", "azure"])
def test_no_competency_is_eligible_before_29_september_2014(product):
    partner = make_partner(
        competencies=["Cloud Productivity", "Cloud Platform", "Messaging", "Datacenter"]
    )

    answer = partner.eligibility_for(product, on=dt.date(2014, 9, 28))

    assert not answer.eligible
    assert (
        local_date(dt.date(2014, 9, 29)) in answer.reason
        or local_date(dt.date(2015, 3, 1)) in answer.reason
    )


@pytest.mark.django_db
def test_a_competency_earned_after_the_date_does_not_count():
    partner = partner_with("Cloud Platform", earned=dt.date(2016, 5, 10))

    before = partner.eligibility_for("azure", on=dt.date(2016, 5, 9))
    after = partner.eligibility_for("azure", on=dt.date(2016, 5, 10))

    assert not before.eligible
    assert before.reason == (
        f"Cloud Platform competency: earned on {local_date(dt.date(2016, 5, 10))}; eligible for Microsoft Azure "
        "from that date."
    )
    assert after.eligible
    assert after.decided_on == dt.date(2016, 5, 10)


@pytest.mark.django_db
def test_a_partner_without_competencies_is_not_eligible():
    answer = make_partner().eligibility_for("office365", on=LATER)

    assert not answer.eligible
    assert "no Gold or Silver competency" in answer.reason


@pytest.mark.django_db
def test_staff_editing_a_rule_in_the_table_changes_the_answer():
    partner = partner_with("Cloud Platform")
    rule = EligibilityRule.objects.get(product="azure", competency__name="Cloud Platform")
    assert partner.eligibility_for("azure", on=dt.date(2014, 10, 1)).eligible

    rule.available_from = dt.date(2015, 1, 1)
    rule.save()
    moved = partner.eligibility_for("azure", on=dt.date(2014, 10, 1))

    assert not moved.eligible
    assert local_date(dt.date(2015, 1, 1)) in moved.reason

    rule.delete()
    removed = partner.eligibility_for("azure", on=LATER)

    assert not removed.eligible
    assert removed.rule is None


@pytest.mark.django_db
def test_staff_adding_a_rule_makes_a_competency_eligible():
    partner = partner_with("Datacenter")
    EligibilityRule.objects.create(
        product="office365",
        competency=partner.competencies.get().competency,
        available_from=dt.date(2019, 1, 1),
    )

    answer = partner.eligibility_for("office365", on=LATER)

    assert answer.eligible
    assert answer.decided_on == dt.date(2019, 1, 1)


@pytest.mark.django_db
def test_staff_turning_on_the_renewal_requirement_delays_the_start():
    partner = partner_with("Cloud Platform", membership_start=dt.date(2013, 6, 1))
    EligibilityRule.objects.filter(product="azure", competency__name="Cloud Platform").update(
        requires_renewal=True
    )

    answer = partner.eligibility_for("azure", on=dt.date(2015, 1, 1))

    assert not answer.eligible
    assert answer.decided_on == dt.date(2015, 6, 1)


@pytest.mark.django_db
def test_an_inactive_partner_is_not_eligible():
    partner = partner_with("Cloud Productivity", is_active=False)

    answer = partner.eligibility_for("office365", on=LATER)

    assert not answer.eligible
    assert answer.reason == "The partner account is not active."


@pytest.mark.django_db
def test_a_network_member_without_action_pack_has_no_support_benefits():
    partner = partner_with("Cloud Productivity", level=MembershipLevel.NETWORK_MEMBER)

    answer = partner.eligibility_for("office365", on=LATER)

    assert not answer.eligible
    assert "Action Pack" in answer.reason


@pytest.mark.django_db
def test_an_action_pack_partner_with_a_cloud_competency_is_eligible():
    partner = partner_with("Cloud Productivity", level=MembershipLevel.ACTION_PACK)

    assert partner.eligibility_for("office365", on=LATER).eligible


@pytest.mark.django_db
def test_with_several_competencies_the_earliest_start_decides():
    partner = make_partner(
        membership_start=dt.date(2013, 3, 1),
        competencies=[("Datacenter", dt.date(2013, 1, 1)), ("Cloud Platform", dt.date(2013, 1, 1))],
    )

    answer = partner.eligibility_for("azure", on=LATER)

    assert answer.eligible
    assert answer.rule.competency.name == "Cloud Platform"
    assert answer.decided_on == START


@pytest.mark.django_db
def test_a_pending_hybrid_competency_is_reported_when_nothing_else_applies():
    partner = make_partner(
        membership_start=dt.date(2013, 3, 1),
        competencies=["Datacenter", "Volume Licensing"],
    )

    answer = partner.eligibility_for("azure", on=dt.date(2014, 12, 1))

    assert not answer.eligible
    assert answer.rule.competency.name == "Datacenter"


@pytest.mark.django_db
def test_the_answer_costs_one_query(django_assert_num_queries):
    # The competencies with their rule for the product, together (issue 21: final submits).
    partner = make_partner(competencies=["Cloud Productivity", "Messaging", "Datacenter"])

    with django_assert_num_queries(1):
        partner.eligibility_for("azure", on=LATER)


@pytest.mark.django_db
def test_one_query_answers_as_the_several_products_answer():
    partner = make_partner(competencies=["Cloud Productivity", "Cloud Platform", "Datacenter"])
    for product in ("azure", "office365"):
        alone = partner.eligibility_for(product, on=LATER)
        together = partner.eligibility_for_products([product], on=LATER)[product]
        assert alone == together


@pytest.mark.django_db
def test_today_is_the_default_date():
    assert partner_with("Cloud Platform").eligibility_for("azure").eligible


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "shown"), [("ja", "2014年9月29日"), ("hu", "2014. szeptember 29.")]
)
def test_the_reason_shows_the_date_in_the_users_language(language, shown):
    from django.utils import translation

    partner = make_partner(competencies=[("Cloud Productivity", dt.date(2013, 1, 1))])
    with translation.override(language):
        answer = partner.eligibility_for("office365", on=dt.date(2020, 1, 1))
    assert shown in answer.reason
