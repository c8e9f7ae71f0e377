"""The engineers' dashboard figures (issue 18): a few aggregate queries, no rows.

Each function returns a :class:`Chart` (numbers only); templates draw it as SVG and
as a table. Weeks and months are the reader's (the active time zone's).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from contracts.models import Product
from incidents.models import OPEN_STATUSES, Incident, Severity, Status

WEEKS = 12
MONTHS = 12
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


def open_by_severity_and_status(incidents) -> Chart:
    counts = {
        (row["severity"], row["status"]): row["n"]
        for row in incidents.open().values("severity", "status").annotate(n=Count("id"))
    }
    statuses = [Status(s) for s in OPEN_STATUSES]
    chart = Chart(
        "open", _("Open incidents by severity and status"), _series(s.label for s in statuses)
    )
    for severity in Severity:
        values = [counts.get((severity.value, s.value), 0) for s in statuses]
        chart.groups.append(Group(_("Severity %(letter)s") % {"letter": severity.value}, values))
    return chart


def overdue_now(incidents, now: dt.datetime) -> Chart:
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
    chart = Chart(
        "overdue", _("First response overdue now"), _series([_("Unassigned"), _("Assigned")])
    )
    for severity in Severity:
        values = [counts.get((severity.value, False), 0), counts.get((severity.value, True), 0)]
        chart.groups.append(Group(_("Severity %(letter)s") % {"letter": severity.value}, values))
    return chart


def _week_starts(now: dt.datetime) -> list[dt.date]:
    today = timezone.localtime(now).date()
    monday = today - dt.timedelta(days=today.weekday())
    return [monday - dt.timedelta(weeks=i) for i in range(WEEKS - 1, -1, -1)]


def response_attainment(incidents, now: dt.datetime) -> Chart:
    """Per week of the due time: first responses in time, late, and still missing past due."""
    weeks = _week_starts(now)
    start = timezone.make_aware(dt.datetime.combine(weeks[0], dt.time()))
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
    by_week = {_as_date(row["week"]): (row["met"], row["missed"]) for row in rows}
    chart = Chart(
        "attainment", _("First response in time, per week"), _series([_("Met"), _("Missed")])
    )
    chart.series[1].colour = PALETTE[1]
    chart.series[0].colour = PALETTE[2]
    for week in weeks:
        met, missed = by_week.get(week, (0, 0))
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


def units_by_month_and_product(incidents, now: dt.datetime) -> Chart:
    months = _month_starts(now)
    start = timezone.make_aware(dt.datetime.combine(months[0], dt.time()))
    rows = (
        incidents.filter(unit_consumed=True, created_at__gte=start)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "product")
        .annotate(n=Count("id"))
    )
    counts = {(_as_date(row["month"]), row["product"]): row["n"] for row in rows}
    product_ids = sorted({product for _month, product in counts if product is not None})
    products = Product.objects.in_bulk(product_ids) if product_ids else {}
    keys = [*product_ids, *([None] if any(p is None for _m, p in counts) else [])]
    labels = [products[pk].label if pk is not None else _("No product") for pk in keys]
    chart = Chart("units", _("Units consumed per month, by product"), _series(labels))
    for month in months:
        values = [counts.get((month, key), 0) for key in keys]
        chart.groups.append(Group(date_format(month, "YEAR_MONTH_FORMAT"), values))
    return chart


def dashboard(user, now: dt.datetime | None = None) -> list[Chart]:
    now = now or timezone.now()
    incidents = Incident.objects.visible_to(user).order_by()
    return [
        open_by_severity_and_status(incidents),
        response_attainment(incidents, now),
        overdue_now(incidents, now),
        units_by_month_and_product(incidents, now),
    ]
