"""Engineer-facing pieces of an incident page: its labelled facts and its response clock."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone, translation
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

register = template.Library()

# The keys each channel stores in Incident.facts, with the label an engineer reads.
FACT_LABELS = {
    "tenant_domain": gettext_lazy("Tenant domain"),
    "tenant": gettext_lazy("Tenant domain"),
    "customer_tenant": gettext_lazy("Customer tenant"),
    "users_affected": gettext_lazy("Users affected"),
    "affected": gettext_lazy("Affected"),
    "started_at": gettext_lazy("Problem started"),
    "started": gettext_lazy("Problem started"),
    "what_tried": gettext_lazy("What was tried"),
    "support_option": gettext_lazy("Support option"),
    "subscription_id": gettext_lazy("Subscription ID"),
    "subscription_role": gettext_lazy("Role on the subscription"),
    "country": gettext_lazy("Country"),
    "category": gettext_lazy("Category"),
    "request_type": gettext_lazy("Request type"),
}


def _fact_label(key: str) -> str:
    label = FACT_LABELS.get(key)
    if label is not None:
        return str(label)
    # A key no channel stores today: readable words, never the raw key.
    return key.replace("_", " ").strip().capitalize()


def _value_labels() -> dict[str, dict]:
    """Facts stored as a code, with the label the partner chose it by."""
    from incidents.csp import RequestType
    from incidents.forms.azure import SupportOptionForm

    return {
        "request_type": dict(RequestType.choices),
        "support_option": dict(SupportOptionForm.base_fields["option"].choices),
    }


def _fact_value(value):
    """A stored ISO timestamp becomes an aware datetime, shown in the reader's zone."""
    if isinstance(value, str) and len(value) >= 16 and value[4:5] == "-" and "T" in value:
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, dt.UTC)
        return timezone.localtime(moment)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


@register.inclusion_tag("incidents/includes/facts.html")
def incident_facts(incident):
    """The channel's supporting information, each fact with its label."""
    labels = _value_labels()
    facts = [
        (_fact_label(key), _fact_value(labels.get(key, {}).get(value, value)))
        for key, value in (incident.facts or {}).items()
        if value not in (None, "")
    ]
    return {"facts": facts}


def relative_due(clock) -> str:
    """Such as "in 25 minutes" or "overdue by 2 hours", in the active language."""
    if clock.is_overdue:
        return _("overdue by %(time)s") % {"time": timeuntil(clock.now, clock.due_at, depth=1)}
    return _("in %(time)s") % {"time": timeuntil(clock.due_at, clock.now, depth=1)}


@register.inclusion_tag("incidents/includes/due_clock.html")
def response_clock(incident, now=None):
    """The incident's one first-response deadline: local time, its zone and how far off."""
    clock = incident.response_clock(now)
    if clock is None:
        return {"clock": None}
    return {
        "clock": clock,
        "due": timezone.localtime(clock.due_at),
        "zone": timezone.get_current_timezone_name(),
        "relative": relative_due(clock),
    }


@register.filter
def language_label(code: str) -> str:
    """A language code as the language's name in the active language (the code if unknown)."""
    try:
        return translation.get_language_info(code)["name_translated"]
    except KeyError:
        return code


# Room below the plot and on its left for the slanted group labels ("September 2026").
CHART_WIDTH, CHART_HEIGHT = 640, 290
PLOT_LEFT, PLOT_TOP, PLOT_BOTTOM = 64, 12, 200


def _nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50… that is at least ``value``."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def _tick_step(top: int) -> int:
    """Whole-number gridlines that divide a nice ceiling evenly: 5 → 1, 10 → 2, 2 → 1, 1 → 1."""
    if top >= 5 and top % 5 == 0:
        return top // 5
    return max(top // 2, 1)


@register.inclusion_tag("incidents/includes/bar_chart.html")
def bar_chart(chart):
    """Geometry of a stacked bar chart (numbers only; the template draws the SVG)."""
    groups = chart.groups or []
    top = _nice_ceiling(max([g.total for g in groups] + [1]))
    plot_height = PLOT_BOTTOM - PLOT_TOP
    slot = (CHART_WIDTH - PLOT_LEFT - 8) / max(len(groups), 1)
    width = round(slot * 0.6, 1)
    bars = []
    for index, group in enumerate(groups):
        x = round(PLOT_LEFT + index * slot + (slot - width) / 2, 1)
        y = PLOT_BOTTOM
        segments = []
        for series, value in zip(chart.series, group.values, strict=True):
            if not value:
                continue
            height = round(value / top * plot_height, 1)
            y = round(y - height, 1)
            segments.append(
                {
                    "y": y,
                    "height": height,
                    "colour": series.colour,
                    "label": series.label,
                    "value": value,
                }
            )
        bars.append(
            {"x": x, "label_x": round(x + width / 2, 1), "group": group, "segments": segments}
        )
    ticks = [
        {"value": value, "y": round(PLOT_BOTTOM - value / top * plot_height, 1)}
        for value in range(0, top + 1, _tick_step(top))
    ]
    return {
        "chart": chart,
        "bars": bars,
        "bar_width": width,
        "ticks": ticks,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": PLOT_LEFT,
        "bottom": PLOT_BOTTOM,
        "label_y": PLOT_BOTTOM + 14,
    }
