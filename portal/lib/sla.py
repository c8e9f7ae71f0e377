"""First-response targets (SPEC §4, seeds 001/004).

| severity | first response |
| A        | 2 hours        |
| B        | 4 hours        |
| C        | 8 hours        |

English support and 24/7 (severity A only) run on calendar hours. Local-language
support runs in business hours in the contact's time zone. In-scope work that
is not break/fix may take up to one business day.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

TARGET_HOURS = {"A": 2, "B": 4, "C": 8}
BUSINESS_START = dt.time(9, 0)
BUSINESS_END = dt.time(17, 0)
BUSINESS_DAY_HOURS = 8


def response_due_at(
    submitted_at: dt.datetime,
    severity: str,
    *,
    is_24x7: bool = False,
    language: str = "en",
    time_zone: str = "UTC",
    break_fix: bool = True,
) -> dt.datetime:
    """When the first response is due, computed once at submission (aware datetime, UTC)."""
    if submitted_at.tzinfo is None:
        raise ValueError("submitted_at must be timezone-aware")
    if is_24x7 and severity != "A":
        raise ValueError("24/7 support can be chosen only with severity A")
    hours = TARGET_HOURS[severity]
    if not break_fix:
        # Not break/fix: up to one business day, in business hours.
        return add_business_hours(submitted_at, BUSINESS_DAY_HOURS, time_zone)
    if is_24x7 or language.split("-")[0] == "en":
        return (submitted_at + dt.timedelta(hours=hours)).astimezone(dt.UTC)
    return add_business_hours(submitted_at, hours, time_zone)


def add_business_hours(start: dt.datetime, hours: float, time_zone: str) -> dt.datetime:
    """Add ``hours`` of business time (Mon-Fri 09:00-17:00 local), DST-safe."""
    tz = ZoneInfo(time_zone)
    remaining = dt.timedelta(hours=hours)
    current = start.astimezone(tz)
    while True:
        day = current.date()
        opens = dt.datetime.combine(day, BUSINESS_START, tz)
        closes = dt.datetime.combine(day, BUSINESS_END, tz)
        if current.weekday() >= 5 or current >= closes:
            current = _next_opening(day, tz)
            continue
        if current < opens:
            current = opens
        # Subtract in UTC so a DST change inside the day counts real elapsed time.
        available = closes.astimezone(dt.UTC) - current.astimezone(dt.UTC)
        if remaining <= available:
            return (current.astimezone(dt.UTC) + remaining).astimezone(dt.UTC)
        remaining -= available
        current = _next_opening(day, tz)


def _next_opening(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    day += dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, BUSINESS_START, tz)
