"""What the queue page shows: plain values prepared once per request, for its templates.

The rows and the filter controls are plain data (labels translated once, the overdue
state computed once per row); the templates incidents/queue/includes/rows.html and
filters.html turn them into markup. Both fragments are cached rendered
(``{% cache %}`` in list.html) under a digest of everything they show (see
:func:`fragment_key`): a page whose rows or controls changed in any way has a
different key, so a cached fragment is never stale, and identical pages (the first
page seen by several engineers, a reload) skip the template engine for them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections import namedtuple
from dataclasses import dataclass
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext, gettext_lazy

from incidents.forms.followup import QueueFilterForm
from incidents.models import Incident
from incidents.templatetags.incident_tags import relative_due
from portal.lib.i18n import TRANSLATED_LANGUAGES

TITLE_LENGTH = 80
# Seconds a rendered fragment (rows, filter controls, page chrome) is kept. The keys
# carry the content, so this only bounds memory, never staleness; 0 turns it off.
FRAGMENT_TTL = getattr(settings, "QUEUE_FRAGMENT_TTL", 300)

# --- the page's rows as plain values ------------------------------------------------

# The columns a queue row is built from (read with values_list, no model instances),
# and the names they get on a QueueEntry.
ENTRY_COLUMNS = (
    "pk",
    "number",
    "title",
    "status",
    "severity",
    "is_24x7",
    "response_due_at",
    "first_response_at",
    "partner__name",
    "partner__partner_number",
    "product__name",
    *(f"product__name_{lang}" for lang in TRANSLATED_LANGUAGES),
    "owner__username",
    "owner__first_name",
    "owner__last_name",
)
_ENTRY_FIELDS = tuple(column.replace("__", "_") for column in ENTRY_COLUMNS)


class QueueEntry(namedtuple("QueueEntry", _ENTRY_FIELDS)):
    """One incident of a queue page, as read: plain values (``pk``, ``number``...).

    The response clock is the model's own rule (Incident.response_clock and
    is_open read nothing but these values), not a copy of it.
    """

    __slots__ = ()
    is_open = Incident.is_open
    response_clock = Incident.response_clock


@dataclass(frozen=True)
class QueueRow:
    number: str
    url: str
    title: str
    partner_name: str
    partner_number: str
    product: str
    severity: str
    severity_label: str
    is_24x7: bool
    status: str
    owner: str
    due: dt.datetime | None
    due_state: str  # "", "due-soon" or "due-overdue"
    due_relative: str  # "in 25 minutes", "overdue by 2 hours"; empty once answered
    answered: bool
    select_label: str  # the row's checkbox label, "Select SR-..."


def _labels(field_name: str) -> dict[str, str]:
    return {key: str(label) for key, label in Incident._meta.get_field(field_name).flatchoices}


def _product_label(entry: QueueEntry, lang: str) -> str:
    """Product.label's rule (portal.lib.i18n): the active language's name, else English."""
    if entry.product_name is None:
        return ""
    if lang in TRANSLATED_LANGUAGES:
        return getattr(entry, f"product_name_{lang}") or entry.product_name
    return entry.product_name


def _owner_label(entry: QueueEntry) -> str:
    """AbstractUser.get_full_name() or the username; empty when unassigned."""
    if entry.owner_username is None:
        return ""
    name = f"{entry.owner_first_name} {entry.owner_last_name}".strip()
    return name or entry.owner_username


def queue_rows(rows: list[QueueEntry], *, now: dt.datetime) -> list[QueueRow]:
    """What each row of the queue shows: links, labels and the due state, computed once."""
    marker = "0"
    detail = reverse("incidents:queue_detail", args=[marker])
    prefix, suffix = detail[: detail.rindex(marker)], detail[detail.rindex(marker) + 1 :]
    # get_FOO_display() rebuilds a dict of lazy labels on every call: translate once.
    severities = _labels("severity")
    statuses = _labels("status")
    select = gettext("Select %(number)s")
    lang = (get_language() or "en")[:2]
    zone = timezone.get_current_timezone()
    out = []
    for entry in rows:
        due, clock = entry.response_due_at, entry.response_clock(now)
        title = unicodedata.normalize("NFC", entry.title)
        if len(title) > TITLE_LENGTH:
            title = Truncator(title).chars(TITLE_LENGTH)
        out.append(
            QueueRow(
                number=entry.number,
                url=prefix + quote(entry.number) + suffix,
                title=title,
                partner_name=entry.partner_name,
                partner_number=entry.partner_partner_number,
                product=_product_label(entry, lang),
                severity=entry.severity,
                severity_label=severities.get(entry.severity, entry.severity),
                is_24x7=entry.is_24x7,
                status=statuses.get(entry.status, entry.status),
                owner=_owner_label(entry),
                due=timezone.localtime(due, zone) if due is not None else None,
                due_state=clock.state if clock else "",
                due_relative=relative_due(clock) if clock else "",
                answered=entry.first_response_at is not None,
                select_label=select % {"number": entry.number},
            )
        )
    return out


# The same words on every row: looked up once per request, not once per row.
ROW_TEXTS = {
    "answered": gettext_lazy("First response sent"),
    "unassigned": gettext_lazy("unassigned"),
}


# --- the filter controls ----------------------------------------------------------------


@dataclass(frozen=True)
class FilterControl:
    id: str
    name: str
    label: str
    value: str
    choices: list[tuple[str, str]] | None
    attrs: dict[str, str]
    invalid: bool


def filter_controls(form: QueueFilterForm) -> list[FilterControl]:
    """Each filter field with its current value and, for a list, its choices."""
    controls = []
    for bound in form:
        field = bound.field
        value = bound.value()
        attrs = dict(field.widget.attrs)
        choices = None
        if isinstance(field, forms.ChoiceField):
            choices = list(_choices(field))
        elif field.max_length:
            attrs["maxlength"] = str(field.max_length)
        controls.append(
            FilterControl(
                id=bound.auto_id,
                name=bound.html_name,
                label=str(bound.label),
                value="" if value is None else str(value),
                choices=choices,
                attrs=attrs,
                invalid=bool(bound.errors),
            )
        )
    return controls


def _choices(field: forms.ChoiceField):
    for key, label in field.choices:
        # ModelChoiceField yields ModelChoiceIteratorValue keys.
        yield str(getattr(key, "value", key)), str(label)


def bulk_engineers(form: QueueFilterForm) -> list[tuple[str, str]]:
    """The engineers a selection can be assigned to: the owner filter's, read once."""
    return [
        (key, str(label))
        for key, label in form.fields["owner"].choices
        if key not in ("", "me", "none")
    ]


# --- fragment caching -----------------------------------------------------------------
# The keys are computed from what the page read (values, choices, the submitted
# filters); the fragments' own data (QueueRow, FilterControl) is built only when a
# fragment is rendered, i.e. on a cache miss (the view passes builders, which the
# template engine calls when it needs them).


def rows_key(rows: list[QueueEntry], *, now: dt.datetime, bulk: bool) -> str:
    """The rows fragment's key: the values read and each row's due state and relative
    due time ("in 25 minutes": the clock moves, so the key changes when the text does)."""
    clocks = [due_key(clock) if (clock := row.response_clock(now)) else "" for row in rows]
    return fragment_key(rows, clocks, bulk)


_MINUTE = dt.timedelta(minutes=1)


def due_key(clock) -> tuple:
    """What a row's due cell shows (its state and relative text) as a key, with the row's
    due time (which the rows key holds anyway): equal keys, equal cells.

    Much cheaper than the text (``relative_due``: ``timeuntil`` and two translations,
    ≈ 40 µs a row). ``timeuntil`` with ``depth=1`` shows either whole years or months,
    counted on the calendar (they change where the current day changes, or where the
    difference is whole days), or else whole weeks, days, hours or minutes of the
    difference. So for a given due time, the whole minutes of the difference and the
    current day (in the zone ``timeuntil`` counts in) decide the text; checked across
    month ends and a leap day in tests/incidents/test_queue_due_times.py.
    """
    overdue = clock.is_overdue
    if overdue:  # timeuntil(now, due): counted in the due time's zone
        delta, day = clock.now - clock.due_at, clock.now.astimezone(clock.due_at.tzinfo).date()
    else:  # timeuntil(due, now): counted in now's zone
        delta, day = clock.due_at - clock.now, clock.now.date()
    return clock.state, overdue, delta // _MINUTE, day


def filters_key(form: QueueFilterForm, filters_query: str) -> str:
    """The filter fragment's key: the submitted values, any errors, the look-up lists."""
    errors = {name: [str(error) for error in errors] for name, errors in form.errors.items()}
    # The look-up lists' entries (plain strings); the fixed entries ("Any"...) are lazy
    # translations, which the language in the key covers.
    lists = [read() for read in form.LOOKUP_LISTS]
    return fragment_key(sorted(form.data.lists()), errors, lists, filters_query)


def fragment_key(*parts) -> str:
    """A digest of everything a cached fragment shows, with the language and time zone.

    ``parts`` are plain values (strings, numbers, dates, frozen dataclasses, lists
    and tuples of them) whose ``repr`` is stable and complete: two requests get the
    same key only if the fragment would render the same.
    """
    text = repr((get_language(), timezone.get_current_timezone_name(), parts))
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
