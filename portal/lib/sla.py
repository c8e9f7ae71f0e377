"""First-response targets (SPEC §4, seeds 001/004).

| severity | first response |
| A        | 2 hours        |
| B        | 4 hours        |
| C        | 8 hours        |

English support and 24/7 (severity A only) run on calendar hours. Local-language
support runs in business hours (Monday to Friday, 09:00-17:00) in the contact's
time zone. In-scope work that is not break/fix may take up to one business day.

All arithmetic is done on absolute (UTC) instants; local wall-clock time is only
used to find where business days open and close, so daylight-saving changes
neither add nor lose an hour of the target.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

TARGET_HOURS = {"A": 2, "B": 4, "C": 8}
BUSINESS_START = dt.time(9, 0)
BUSINESS_END = dt.time(17, 0)
BUSINESS_DAY_HOURS = 8
CALENDAR_LANGUAGES = {"en"}


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
    if severity not in TARGET_HOURS:
        raise ValueError(f"unknown severity {severity!r}")
    if is_24x7 and severity != "A":
        raise ValueError("24/7 support can be chosen only with severity A")
    start = submitted_at.astimezone(dt.UTC)
    if not break_fix:
        # In scope but not break/fix: up to one business day, whatever the severity.
        return add_business_hours(start, BUSINESS_DAY_HOURS, time_zone)
    hours = TARGET_HOURS[severity]
    if is_24x7 or is_calendar_language(language):
        # Aware arithmetic on a local datetime would add wall-clock hours; UTC adds real ones.
        return start + dt.timedelta(hours=hours)
    return add_business_hours(start, hours, time_zone)


def is_calendar_language(language: str) -> bool:
    """English support runs round the clock; "en", "en-us", "en_GB" all count."""
    return (language or "en").replace("_", "-").split("-")[0].lower() in CALENDAR_LANGUAGES


def zone(time_zone: str) -> ZoneInfo:
    """The contact's zone; an unknown or empty name falls back to UTC rather than failing."""
    try:
        return ZoneInfo(time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def add_business_hours(start: dt.datetime, hours: float, time_zone: str) -> dt.datetime:
    """Add ``hours`` of business time (Mon-Fri 09:00-17:00 local) to ``start``; returns UTC."""
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    tz = zone(time_zone)
    remaining = dt.timedelta(hours=hours)
    current = start.astimezone(dt.UTC)
    day = current.astimezone(tz).date()
    while True:
        opens, closes = _business_window(day, tz)
        if opens is None or current >= closes:
            day += dt.timedelta(days=1)
            continue
        current = max(current, opens)
        available = closes - current
        if remaining <= available:
            return current + remaining
        remaining -= available
        day += dt.timedelta(days=1)


def _business_window(day: dt.date, tz: ZoneInfo) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Opening and closing instants (UTC) of ``day`` in ``tz``; (None, None) at weekends."""
    if day.weekday() >= 5:
        return None, None
    opens = dt.datetime.combine(day, BUSINESS_START, tz).astimezone(dt.UTC)
    closes = dt.datetime.combine(day, BUSINESS_END, tz).astimezone(dt.UTC)
    return opens, closes
