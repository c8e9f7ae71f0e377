"""The first-response clock (SPEC §4, seeds 001/004): 2/4/8 hours, calendar or business time."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from portal.lib.sla import add_business_hours, is_calendar_language, response_due_at

UTC = dt.UTC
TOKYO = ZoneInfo("Asia/Tokyo")
BUDAPEST = ZoneInfo("Europe/Budapest")
NEW_YORK = ZoneInfo("America/New_York")


def local(tz, *args, fold=0):
    return dt.datetime(*args, tzinfo=tz, fold=fold)


def hours_between(a, b):
    return (b.astimezone(UTC) - a.astimezone(UTC)) / dt.timedelta(hours=1)


# --- English and 24/7: calendar hours ------------------------------------------------


@pytest.mark.parametrize(("severity", "hours"), [("A", 2), ("B", 4), ("C", 8)])
def test_english_support_gets_2_4_or_8_calendar_hours(severity, hours):
    submitted = local(UTC, 2026, 11, 25, 10, 0)
    due = response_due_at(submitted, severity, language="en", time_zone="Asia/Tokyo")
    assert due == submitted + dt.timedelta(hours=hours)


def test_english_support_runs_through_the_weekend():
    saturday_night = local(BUDAPEST, 2026, 11, 28, 23, 0)
    due = response_due_at(saturday_night, "C", language="en", time_zone="Europe/Budapest")
    assert due.astimezone(BUDAPEST) == local(BUDAPEST, 2026, 11, 29, 7, 0)


@pytest.mark.parametrize("language", ["en", "en-us", "en_GB", "EN"])
def test_every_english_variant_counts_as_english(language):
    assert is_calendar_language(language)
    submitted = local(TOKYO, 2026, 11, 28, 3, 0)  # Saturday night in Tokyo
    due = response_due_at(submitted, "B", language=language, time_zone="Asia/Tokyo")
    assert hours_between(submitted, due) == 4


def test_24x7_severity_a_runs_on_calendar_hours_even_in_a_local_language():
    saturday = local(TOKYO, 2026, 11, 28, 3, 0)
    due = response_due_at(saturday, "A", is_24x7=True, language="ja", time_zone="Asia/Tokyo")
    assert hours_between(saturday, due) == 2


@pytest.mark.parametrize("severity", ["B", "C"])
def test_24x7_is_refused_for_severity_b_and_c(severity):
    with pytest.raises(ValueError, match="24/7"):
        response_due_at(local(UTC, 2026, 11, 25, 10), severity, is_24x7=True)


def test_a_naive_submission_time_is_refused():
    with pytest.raises(ValueError):
        response_due_at(dt.datetime(2026, 11, 25, 10), "A")


def test_an_unknown_severity_is_refused():
    with pytest.raises(ValueError):
        response_due_at(local(UTC, 2026, 11, 25, 10), "D")


def test_the_due_time_is_returned_in_utc():
    due = response_due_at(
        local(TOKYO, 2026, 11, 25, 10), "B", language="ja", time_zone="Asia/Tokyo"
    )
    assert due.utcoffset() == dt.timedelta(0)


# --- Local language: business hours in the contact's time zone -----------------------


def test_local_language_inside_business_hours_is_plain_business_time():
    tuesday = local(TOKYO, 2026, 11, 24, 10, 0)
    due = response_due_at(tuesday, "B", language="ja", time_zone="Asia/Tokyo")
    assert due.astimezone(TOKYO) == local(TOKYO, 2026, 11, 24, 14, 0)


def test_local_language_before_opening_starts_the_clock_at_nine():
    early = local(TOKYO, 2026, 11, 24, 6, 30)
    due = response_due_at(early, "A", language="ja", time_zone="Asia/Tokyo")
    assert due.astimezone(TOKYO) == local(TOKYO, 2026, 11, 24, 11, 0)


def test_local_language_after_closing_carries_to_the_next_business_morning():
    evening = local(BUDAPEST, 2026, 11, 24, 18, 0)
    due = response_due_at(evening, "B", language="hu", time_zone="Europe/Budapest")
    assert due.astimezone(BUDAPEST) == local(BUDAPEST, 2026, 11, 25, 13, 0)


def test_local_language_friday_afternoon_is_answered_on_monday():
    friday = local(TOKYO, 2026, 11, 27, 16, 0)
    due = response_due_at(friday, "C", language="ja", time_zone="Asia/Tokyo")
    # one hour on Friday, seven on Monday
    assert due.astimezone(TOKYO) == local(TOKYO, 2026, 11, 30, 16, 0)


def test_local_language_at_the_weekend_starts_on_monday_morning():
    saturday = local(NEW_YORK, 2026, 11, 28, 11, 0)
    due = response_due_at(saturday, "A", language="es", time_zone="America/New_York")
    assert due.astimezone(NEW_YORK) == local(NEW_YORK, 2026, 11, 30, 11, 0)


def test_the_same_instant_gives_different_due_times_in_different_time_zones():
    instant = dt.datetime(
        2026, 11, 27, 7, 0, tzinfo=UTC
    )  # Fri 16:00 Tokyo, 08:00 Budapest, 02:00 NY
    tokyo = response_due_at(instant, "B", language="ja", time_zone="Asia/Tokyo")
    budapest = response_due_at(instant, "B", language="hu", time_zone="Europe/Budapest")
    new_york = response_due_at(instant, "B", language="es", time_zone="America/New_York")
    assert tokyo.astimezone(TOKYO) == local(TOKYO, 2026, 11, 30, 12, 0)
    assert budapest.astimezone(BUDAPEST) == local(BUDAPEST, 2026, 11, 27, 13, 0)
    assert new_york.astimezone(NEW_YORK) == local(NEW_YORK, 2026, 11, 27, 13, 0)


def test_business_hours_use_the_contacts_time_zone_not_the_submission_offset():
    # Submitted from a laptop set to Tokyo time, but the contact works in Budapest.
    submitted = local(TOKYO, 2026, 11, 24, 17, 0)  # 09:00 in Budapest
    due = response_due_at(submitted, "A", language="hu", time_zone="Europe/Budapest")
    assert due.astimezone(BUDAPEST) == local(BUDAPEST, 2026, 11, 24, 11, 0)


def test_an_unknown_time_zone_falls_back_to_utc_instead_of_failing():
    monday = local(UTC, 2026, 11, 23, 8, 0)
    due = response_due_at(monday, "A", language="hu", time_zone="Mars/Olympus_Mons")
    assert due == local(UTC, 2026, 11, 23, 11, 0)


# --- Not break/fix: up to one business day --------------------------------------------


@pytest.mark.parametrize("language", ["en", "hu"])
def test_in_scope_work_that_is_not_break_fix_gets_one_business_day(language):
    friday = local(BUDAPEST, 2026, 11, 27, 16, 0)
    due = response_due_at(
        friday, "A", language=language, time_zone="Europe/Budapest", break_fix=False
    )
    assert due.astimezone(BUDAPEST) == local(BUDAPEST, 2026, 11, 30, 16, 0)


def test_not_break_fix_is_never_sooner_than_the_break_fix_target():
    for severity in "ABC":
        submitted = local(NEW_YORK, 2026, 11, 24, 9, 0)
        relaxed = response_due_at(
            submitted, severity, time_zone="America/New_York", break_fix=False
        )
        strict = response_due_at(submitted, severity, time_zone="America/New_York")
        assert relaxed >= strict


# --- Daylight-saving changes ----------------------------------------------------------


def test_calendar_hours_across_spring_forward_are_real_hours():
    # New York skips 02:00-03:00 on Sunday 8 March 2026.
    submitted = local(NEW_YORK, 2026, 3, 8, 1, 30)
    due = response_due_at(submitted, "A", language="en", time_zone="America/New_York")
    assert hours_between(submitted, due) == 2
    assert due.astimezone(NEW_YORK) == local(NEW_YORK, 2026, 3, 8, 4, 30)


def test_calendar_hours_across_fall_back_are_real_hours():
    # New York repeats 01:00-02:00 on Sunday 1 November 2026.
    first_pass = local(NEW_YORK, 2026, 11, 1, 1, 30, fold=0)  # EDT
    second_pass = local(NEW_YORK, 2026, 11, 1, 1, 30, fold=1)  # EST, an hour later
    due_first = response_due_at(first_pass, "A", language="en", time_zone="America/New_York")
    due_second = response_due_at(second_pass, "A", language="en", time_zone="America/New_York")
    assert hours_between(first_pass, due_first) == 2
    assert due_first.astimezone(NEW_YORK).replace(tzinfo=None) == dt.datetime(2026, 11, 1, 2, 30)
    assert hours_between(due_first, due_second) == 1


def test_business_hours_across_the_spring_forward_weekend_in_budapest():
    # Europe switches to summer time on Sunday 29 March 2026.
    friday = local(BUDAPEST, 2026, 3, 27, 15, 0)  # CET, UTC+1
    due = response_due_at(friday, "C", language="hu", time_zone="Europe/Budapest")
    # two hours on Friday, six on Monday from 09:00 CEST (UTC+2)
    assert due.astimezone(BUDAPEST) == local(BUDAPEST, 2026, 3, 30, 15, 0)
    assert due == dt.datetime(2026, 3, 30, 13, 0, tzinfo=UTC)


def test_business_hours_across_the_fall_back_weekend_in_budapest():
    friday = local(BUDAPEST, 2026, 10, 23, 16, 0)  # CEST, UTC+2
    due = response_due_at(friday, "B", language="hu", time_zone="Europe/Budapest")
    assert due.astimezone(BUDAPEST) == local(BUDAPEST, 2026, 10, 26, 12, 0)
    assert due == dt.datetime(2026, 10, 26, 11, 0, tzinfo=UTC)  # CET, UTC+1


def test_business_hours_across_the_fall_back_weekend_in_new_york():
    friday = local(NEW_YORK, 2026, 10, 30, 16, 0)  # EDT, UTC-4
    due = response_due_at(friday, "B", language="es", time_zone="America/New_York")
    assert due.astimezone(NEW_YORK) == local(NEW_YORK, 2026, 11, 2, 12, 0)
    assert due == dt.datetime(2026, 11, 2, 17, 0, tzinfo=UTC)  # EST, UTC-5


def test_business_hours_across_the_spring_forward_weekend_in_new_york():
    friday = local(NEW_YORK, 2026, 3, 6, 16, 30)  # EST
    due = response_due_at(friday, "A", language="es", time_zone="America/New_York")
    assert due.astimezone(NEW_YORK) == local(NEW_YORK, 2026, 3, 9, 10, 30)
    assert due == dt.datetime(2026, 3, 9, 14, 30, tzinfo=UTC)  # EDT


def test_tokyo_has_no_daylight_saving_while_the_submitter_zone_changes():
    # 09:00 in Tokyo is 19:00 EST before the US change and 20:00 EDT after it.
    before = response_due_at(
        local(NEW_YORK, 2026, 3, 5, 19, 0), "A", language="ja", time_zone="Asia/Tokyo"
    )
    after = response_due_at(
        local(NEW_YORK, 2026, 3, 9, 20, 0), "A", language="ja", time_zone="Asia/Tokyo"
    )
    assert before.astimezone(TOKYO).time() == dt.time(11, 0)
    assert after.astimezone(TOKYO).time() == dt.time(11, 0)


def test_add_business_hours_spans_several_days():
    monday = local(BUDAPEST, 2026, 11, 23, 9, 0)
    due = add_business_hours(monday, 20, "Europe/Budapest")
    assert due.astimezone(BUDAPEST) == local(BUDAPEST, 2026, 11, 25, 13, 0)


def test_submit_incident_stores_the_due_time_computed_at_submission(partner_user):
    from django.utils import timezone

    from incidents.services import IncidentDraft, submit_incident

    before = timezone.now()
    incident = submit_incident(
        IncidentDraft(
            user=partner_user,
            channel="azure",
            title="VMs down",
            description="All VMs stopped",
            severity="B",
            contact_name="Anna",
            contact_email="anna@example.com",
            support_language="en",
            time_zone="Europe/Budapest",
        )
    )
    assert incident.response_due_at - incident.created_at == dt.timedelta(hours=4)
    assert incident.created_at >= before
