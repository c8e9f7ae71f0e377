"""The engineers' dashboard figures (issue 18): a few aggregate queries, no rows.

The counts (plain numbers, :class:`Counts`) come from four aggregate queries over every
incident; at 100,000 incidents they take about half a second, so for readers who see
every incident (engineers and staff) they are cached for ``DASHBOARD_TTL`` seconds per
time zone, and the page says when they were counted. Each chart function turns counts
into a :class:`Chart` with labels in the active language; templates draw it as SVG and
as a table. Weeks and months are the reader's (the active time zone's).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from contracts.models import Product
from incidents.models import OPEN_STATUSES, Incident, Severity, Status

WEEKS = 12
MONTHS = 12
DASHBOARD_TTL = getattr(settings, "DASHBOARD_CACHE_TTL", 60)
PALETTE = ("#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#6c757d")


@dataclass
class Series:
    label: str
    colour: str


@dataclass
class Group:
    label: str
    values: list[int]

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass
class Chart:
    """Stacked bars: one bar per group, one segment per series."""

    slug: str
    title: str
    series: list[Series]
    groups: list[Group] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)

    @property
    def totals(self) -> list[int]:
        return [sum(g.values[i] for g in self.groups) for i in range(len(self.series))]


def _series(labels) -> list[Series]:
    return [Series(str(label), PALETTE[i % len(PALETTE)]) for i, label in enumerate(labels)]


@dataclass(frozen=True)
class Counts:
    """What the four charts show, as plain numbers (cacheable, no labels)."""

    at: dt.datetime
    open: dict  # (severity, status) -> n
    attainment: dict  # week start (date) -> (met, missed)
    overdue: dict  # (severity, assigned?) -> n
    units: dict  # (month start (date), product id or None) -> n


def count_open(incidents) -> dict:
    rows = incidents.open().values("severity", "status").annotate(n=Count("id"))
    return {(row["severity"], row["status"]): row["n"] for row in rows}


def count_overdue(incidents, now: dt.datetime) -> dict:
    rows = (
        incidents.awaiting_first_response()
        .filter(response_due_at__lt=now)
        .values("severity", "owner")
        .annotate(n=Count("id"))
    )
    counts: dict[tuple[str, bool], int] = {}
    for row in rows:
        key = (row["severity"], row["owner"] is not None)
        counts[key] = counts.get(key, 0) + row["n"]
    return counts


def count_attainment(incidents, now: dt.datetime) -> dict:
    """Per week of the due time: first responses in time, and late or still missing past due."""
    start = timezone.make_aware(dt.datetime.combine(_week_starts(now)[0], dt.time()))
    rows = (
        incidents.filter(response_due_at__gte=start, response_due_at__lt=now)
        .annotate(week=TruncWeek("response_due_at"))
        .values("week")
        .annotate(
            met=Count("id", filter=Q(first_response_at__lte=F("response_due_at"))),
            missed=Count(
                "id",
                filter=Q(first_response_at__gt=F("response_due_at"))
                | Q(first_response_at__isnull=True, status__in=OPEN_STATUSES),
            ),
        )
    )
    return {_as_date(row["week"]): (row["met"], row["missed"]) for row in rows}


def count_units(incidents, now: dt.datetime) -> dict:
    start = timezone.make_aware(dt.datetime.combine(_month_starts(now)[0], dt.time()))
    rows = (
        incidents.filter(unit_consumed=True, created_at__gte=start)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "product")
        .annotate(n=Count("id"))
    )
    return {(_as_date(row["month"]), row["product"]): row["n"] for row in rows}


def count_everything(incidents, now: dt.datetime) -> Counts:
    return Counts(
        at=now,
        open=count_open(incidents),
        attainment=count_attainment(incidents, now),
        overdue=count_overdue(incidents, now),
        units=count_units(incidents, now),
    )


def open_by_severity_and_status(counts: Counts) -> Chart:
    statuses = [Status(s) for s in OPEN_STATUSES]
    chart = Chart(
        "open", _("Open incidents by severity and status"), _series(s.label for s in statuses)
    )
    for severity in Severity:
        values = [counts.open.get((severity.value, s.value), 0) for s in statuses]
        chart.groups.append(Group(_("Severity %(letter)s") % {"letter": severity.value}, values))
    return chart


def overdue_now(counts: Counts) -> Chart:
    chart = Chart(
        "overdue", _("First response overdue now"), _series([_("Unassigned"), _("Assigned")])
    )
    for severity in Severity:
        values = [counts.overdue.get((severity.value, assigned), 0) for assigned in (False, True)]
        chart.groups.append(Group(_("Severity %(letter)s") % {"letter": severity.value}, values))
    return chart


def _week_starts(now: dt.datetime) -> list[dt.date]:
    today = timezone.localtime(now).date()
    monday = today - dt.timedelta(days=today.weekday())
    return [monday - dt.timedelta(weeks=i) for i in range(WEEKS - 1, -1, -1)]


def response_attainment(counts: Counts) -> Chart:
    chart = Chart(
        "attainment", _("First response in time, per week"), _series([_("Met"), _("Missed")])
    )
    chart.series[1].colour = PALETTE[1]
    chart.series[0].colour = PALETTE[2]
    for week in _week_starts(counts.at):
        met, missed = counts.attainment.get(week, (0, 0))
        chart.groups.append(Group(date_format(week, "SHORT_DATE_FORMAT"), [met, missed]))
    return chart


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _month_starts(now: dt.datetime) -> list[dt.date]:
    first = timezone.localtime(now).date().replace(day=1)
    months = []
    for _i in range(MONTHS):
        months.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def units_by_month_and_product(counts: Counts) -> Chart:
    product_ids = sorted({product for _month, product in counts.units if product is not None})
    products = Product.objects.in_bulk(product_ids) if product_ids else {}
    keys = [*product_ids, *([None] if any(p is None for _m, p in counts.units) else [])]
    labels = [products[pk].label if pk is not None else _("No product") for pk in keys]
    chart = Chart("units", _("Units consumed per month, by product"), _series(labels))
    for month in _month_starts(counts.at):
        values = [counts.units.get((month, key), 0) for key in keys]
        chart.groups.append(Group(date_format(month, "YEAR_MONTH_FORMAT"), values))
    return chart


def cache_key(zone: str) -> str:
    return f"dashboard:counts:v1:{zone}"


def counts_for(user, now: dt.datetime | None = None) -> Counts:
    """The counts ``user`` may see: cached per time zone for those who see every incident."""
    incidents = Incident.objects.visible_to(user).order_by()
    sees_everything = user.is_staff or user.is_support_engineer
    if now is not None or not sees_everything:
        return count_everything(incidents, now or timezone.now())
    key = cache_key(timezone.get_current_timezone_name())
    counts = cache.get(key)
    if counts is None:
        counts = count_everything(incidents, timezone.now())
        cache.set(key, counts, DASHBOARD_TTL)
    return counts


def dashboard(user, now: dt.datetime | None = None) -> list[Chart]:
    return charts(counts_for(user, now))


def charts(counts: Counts) -> list[Chart]:
    return [
        open_by_severity_and_status(counts),
        response_attainment(counts),
        overdue_now(counts),
        units_by_month_and_product(counts),
    ]
