"""The support engineers' incident queue (SPEC §5).

Pagination is keyset ("seek") pagination on ``(response_due_at, id)``, which the
``incident_due_idx`` index serves in both directions: page 500 costs what page 1
costs, and every page runs the same queries whatever the number of rows.
Incidents without a due time (rejected or routed at submission) come after the
dated ones, as their own segment ordered by id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import weakref
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.db.models.signals import post_delete, post_save
from django.http import QueryDict
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from contracts.models import Product
from incidents import search
from incidents.clock import DUE_SOON
from incidents.forms.followup import QueueFilterForm
from incidents.models import OPEN_STATUSES, Incident
from partners.models import Partner
from portal.lib.caching import generation, new_generation

from .engineer import require_engineer
from .queue_render import (
    ENTRY_COLUMNS,
    FRAGMENT_TTL,
    ROW_TEXTS,
    QueueEntry,
    bulk_engineers,
    filter_controls,
    filters_key,
    queue_rows,
    rows_key,
)

PAGE_SIZE = 25
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


# --- keyset pagination ----------------------------------------------------------------


@dataclass
class QueuePage:
    rows: list[QueueEntry]  # the search's relevance pages too (plain values since issue 21)
    next_cursor: str | None
    previous_cursor: str | None
    is_first: bool
    notice: str = ""  # e.g. a search with more matches than are ranked


def encode_cursor(incident: QueueEntry | Incident) -> str:
    if incident.response_due_at is None:
        return f"n{incident.pk}"
    micros = (incident.response_due_at - EPOCH) // dt.timedelta(microseconds=1)
    return f"{micros}_{incident.pk}"


def decode_cursor(value: str | None) -> tuple[dt.datetime | None, int] | None:
    """``(due, id)`` from a cursor, or None for the first page (also for any bad value)."""
    if not value:
        return None
    try:
        if value.startswith("n"):
            return None, int(value[1:])
        micros, pk = value.split("_", 1)
        return EPOCH + dt.timedelta(microseconds=int(micros)), int(pk)
    except (ValueError, OverflowError):
        return None


def queue_page(
    incidents: QuerySet,
    *,
    after: str | None = None,
    before: str | None = None,
    descending: bool = False,
    size: int = PAGE_SIZE,
    undated: bool = True,
) -> QueuePage:
    """One page of ``incidents`` in response-due order, after (or before) a cursor.

    The order is: incidents with a due time by ``(response_due_at, id)``, then those
    without one by id; ``descending`` reverses each. The same queries run on every
    page: the dated segment (an index range scan on ``(response_due_at, id)``) and,
    unless ``undated`` is False, the undated one (``response_due_at IS NULL``).
    Neither depends on how deep the page is. Pass ``undated=False`` when the filters
    imply a due time (open statuses, the overdue / due-soon filters): that saves
    scanning the rejected-at-submission rows.

    Each segment is one query: ``id IN (ids of the segment, in order, LIMIT size+1)``
    with the queryset's select_related. The subquery is an ordered index range scan with
    no joins (``incident_due_idx``, ``incident_open_due_idx`` for the open filters,
    ``incident_owner_due_idx``...), so a deep cursor costs what the first page costs;
    the outer query reads those rows by primary key and they are ordered here.
    """
    backwards = before is not None and after is None
    cursor = decode_cursor(before if backwards else after)
    # Walking backwards is walking forwards in the opposite order, then flipping the rows.
    reverse = descending != backwards
    dated, undated_rows = _segments(incidents, cursor, reverse=reverse, backwards=backwards)

    def dated_part() -> list[QueueEntry]:
        return _load(incidents, dated, size=size, reverse=reverse, by_id=False)

    def undated_part() -> list[QueueEntry]:
        if not undated:
            return []
        return _load(incidents, undated_rows, size=size, reverse=reverse, by_id=True)

    rows = undated_part() + dated_part() if backwards else dated_part() + undated_part()
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
        has_next, has_previous = bool(rows), more
    else:
        has_next, has_previous = more, cursor is not None and bool(rows)
    return QueuePage(
        rows=rows,
        next_cursor=encode_cursor(rows[-1]) if has_next else None,
        previous_cursor=encode_cursor(rows[0]) if has_previous else None,
        is_first=not has_previous,
    )


def _segments(incidents: QuerySet, cursor, *, reverse: bool, backwards: bool):
    """The dated and the undated segment of the queue, each past ``cursor``."""
    key = Tuple(F("response_due_at"), F("id"))
    order = ("-response_due_at", "-id") if reverse else ("response_due_at", "id")
    # Both segments are ordered on the index's own columns: "response_due_at IS NULL"
    # is an equality for a b-tree, so the undated rows come out of it in id order too.
    dated = incidents.filter(response_due_at__isnull=False).order_by(*order)
    undated_rows = incidents.filter(response_due_at__isnull=True).order_by(*order)
    past = TupleLessThan if reverse else TupleGreaterThan
    if cursor is not None:
        due, pk = cursor
        if due is None:
            undated_rows = undated_rows.filter(**{"pk__lt" if reverse else "pk__gt": pk})
            if not backwards:
                # Past the dated segment: keep its query (same count on every page), empty.
                dated = dated.filter(pk__lt=0)
        else:
            dated = dated.filter(past(key, (due, pk)))
            if backwards:
                undated_rows = undated_rows.filter(pk__lt=0)
    return dated, undated_rows


def _load(
    incidents: QuerySet, segment: QuerySet, *, size: int, reverse: bool, by_id: bool
) -> list[QueueEntry]:
    """One segment's page of rows, in queue order, as plain values (QueueEntry).

    Ids first: the page's ids come from an ordered index range scan with LIMIT and
    no joins (with the joins, the planner misjudges how many rows follow a deep
    cursor and joins them all before sorting). Then those rows only are read with
    the partner, product and owner columns, in the same query, by primary key: the
    page only displays them, so no model instances are built.
    """
    ids = segment.values("pk")[: size + 1]
    rows = [QueueEntry._make(values) for values in rows_by_ids(ids)]
    if by_id:
        rows.sort(key=lambda i: i.pk, reverse=reverse)
    else:
        rows.sort(key=lambda i: (i.response_due_at, i.pk), reverse=reverse)
    return rows


class _RowsQuery:
    """The page's outer query (the ENTRY_COLUMNS of the incidents whose ids a subquery
    gives), compiled by the ORM once per database connection instead of on every page.

    Compiling it (three joins, 18 columns) and iterating its results through the ORM cost
    about as much CPU as the rest of the view (bench/FINDINGS.md, "Queue first page, second
    round"). Its SQL never changes; only the ids subquery does, and that is compiled by the
    ORM on every page (with its parameters) and put in the marker's place. The ORM's own
    converters (e.g. SQLite's text datetimes) are applied to the rows.
    """

    MARKER = "__queue_page_ids__"

    def __init__(self, connection):
        query = (
            Incident._default_manager.filter(pk__in=RawSQL(self.MARKER, ()))
            .order_by()
            .values_list(*ENTRY_COLUMNS)
            .query
        )
        compiler = query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        if params or sql.count(self.MARKER) != 1:  # pragma: no cover - a Django change
            raise ValueError("the queue's rows query cannot be compiled once")
        self.sql = sql
        self.compiler = compiler
        self.converters = compiler.get_converters(
            [select[0] for select in compiler.select[: compiler.col_count]]
        )

    def rows(self, ids: QuerySet) -> list[tuple]:
        connection = self.compiler.connection
        try:
            ids_sql, params = ids.query.get_compiler(connection=connection).as_sql()
        except EmptyResultSet:  # e.g. Incident.objects.none() (filters not understood)
            return []
        with connection.cursor() as cursor:
            cursor.execute(self.sql.replace(self.MARKER, ids_sql, 1), params)
            rows = cursor.fetchall()
        if self.converters:
            rows = [tuple(row) for row in self.compiler.apply_converters(rows, self.converters)]
        return rows


# One per connection object: connections are per thread, and a converter may use its own.
_ROWS_QUERIES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def rows_by_ids(ids: QuerySet) -> list[tuple]:
    """The ENTRY_COLUMNS of the incidents ``ids`` (a ``values("pk")`` queryset) selects,
    in one query (the ids as a subquery), in no particular order."""
    connection = connections[ids.db]
    query = _ROWS_QUERIES.get(connection)
    if query is None:
        query = _ROWS_QUERIES[connection] = _RowsQuery(connection)
    return query.rows(ids)


def by_relevance(form: QueueFilterForm) -> bool:
    """A search with no sort chosen lists the best matches first."""
    return bool(form.cleaned_data.get("q")) and not form.data.get("sort")


def relevance_page(
    incidents: QuerySet, text: str, *, after: str | None, size: int = PAGE_SIZE
) -> QueuePage:
    """One page of a search for ``text`` in ``incidents`` (filtered, not yet searched),
    best first (then by due time); cursors are offsets."""
    try:
        offset = max(0, int(after[1:])) if after and after.startswith("r") else 0
    except ValueError:
        offset = 0
    rows, more, matches = search.best_matches(
        incidents, text, columns=ENTRY_COLUMNS, offset=offset, size=size
    )
    return QueuePage(
        rows=[QueueEntry._make(row) for row in rows],
        next_cursor=f"r{offset + size}" if more else None,
        previous_cursor=f"r{max(0, offset - size)}" if offset else None,
        is_first=offset == 0,
        notice=search.too_many_matches(matches),
    )


def implies_due_time(form: QueueFilterForm) -> bool:
    """Whether the filters only match incidents that have a response due time.

    Every incident that is submitted gets its due time from submit_incident, and
    no transition reopens a rejected or routed one, so open incidents are dated.
    """
    data = form.cleaned_data
    return bool(data.get("due")) or data.get("status") in {
        QueueFilterForm.OPEN,
        *OPEN_STATUSES,
    }


# What a queue row shows, for the querysets that read models (the search's pages, the
# CSV export): the keyset pages' columns (queue_render.ENTRY_COLUMNS), nothing else, e.g.
# not the descriptions.
ROW_FIELDS = tuple(column for column in ENTRY_COLUMNS if column != "pk")


def filtered_queue(user, form: QueueFilterForm, *, searched: bool = True) -> QuerySet:
    """Apply the whitelisted filters of a valid :class:`QueueFilterForm` (the search too,
    unless ``searched`` is False: the relevance page searches them itself)."""
    data = form.cleaned_data
    incidents = (
        Incident.objects.visible_to(user)
        .select_related("partner", "product", "owner")
        .only(*ROW_FIELDS)
    )
    status = data.get("status")
    if status == QueueFilterForm.OPEN:
        incidents = incidents.filter(status__in=OPEN_STATUSES)
    elif status:
        incidents = incidents.filter(status=status)
    if data.get("severity"):
        incidents = incidents.filter(severity=data["severity"])
    if data.get("product"):
        incidents = incidents.filter(product=data["product"])
    if data.get("partner"):
        partners = Partner.objects.matching(data["partner"]).values("pk")
        incidents = incidents.filter(partner__in=partners)
    owner = data.get("owner")
    if owner == "me":
        incidents = incidents.filter(owner=user)
    elif owner == "none":
        incidents = incidents.filter(owner__isnull=True)
    elif owner:
        incidents = incidents.filter(owner_id=int(owner))
    now = timezone.now()
    if data.get("due") == "overdue":
        incidents = incidents.awaiting_first_response().filter(response_due_at__lt=now)
    elif data.get("due") == "soon":
        incidents = incidents.awaiting_first_response().filter(
            response_due_at__gte=now, response_due_at__lt=now + DUE_SOON
        )
    # Last: the search ranks the most recent matches of the filtered rows.
    if data.get("q") and searched:
        incidents = incidents.search(data["q"])
    return incidents


# --- the page's data, kept a few seconds ------------------------------------------------
# A keyset page's rows (the values read, before anything is rendered) are kept in the
# cache for PAGE_TTL seconds under the filters and cursor that chose them and a version
# that every change to what a row shows replaces (an incident, a partner, a product or a
# user saved or deleted: signals below, and again when the transaction commits). So
# within this process a change shows at once. Other workers with a per-process cache
# (LocMemCache) keep their copy for at most PAGE_TTL seconds (with a shared cache they
# read the new version at once); so does a change that sends no model signal (raw SQL,
# QuerySet.update).
# Not kept: searches and the due filters (which rows match moves with the clock); the
# due states and relative times are computed from the rows on every request.
PAGE_TTL = getattr(settings, "QUEUE_PAGE_TTL", 3)
PAGES_VERSION_KEY = "incidents:queue:pages-version"


def forget_pages(**kwargs) -> None:
    """Drop every kept queue page (a new version); again on commit, so a page read by
    another thread before the transaction committed is not kept either."""
    new_generation(PAGES_VERSION_KEY)


for _model in (Incident, Partner, Product, get_user_model()):
    for _signal in (post_save, post_delete):
        _signal.connect(forget_pages, sender=_model, dispatch_uid=f"queue-pages-{_model.__name__}")


def kept_page(user, data: QueryDict, form: QueueFilterForm, read) -> QueuePage:
    """``read()``'s page, kept PAGE_TTL seconds when it may be (see above)."""
    if not PAGE_TTL or form.cleaned_data.get("q") or form.cleaned_data.get("due"):
        return read()
    text = repr((user.pk, sorted(data.lists())))
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    key = f"incidents:queue:page:{generation(PAGES_VERSION_KEY)}:{digest}"
    page = cache.get(key)
    if page is None:
        page = read()
        cache.set(key, page, PAGE_TTL)
    return page


@require_GET
@login_required
def queue(request):
    """Open incidents by response due time, with filters; engineers only (others 403)."""
    require_engineer(request, as_404=False)
    # With no parameters at all, show what needs work: the open incidents.
    data = request.GET if request.GET else QueryDict("status=open")
    form = QueueFilterForm(data)
    cursors = {"after": request.GET.get("after"), "before": request.GET.get("before")}
    if not form.is_valid():
        page = queue_page(Incident.objects.none(), **cursors, undated=False)
    elif by_relevance(form):
        incidents = filtered_queue(request.user, form, searched=False)
        cursor = cursors["after"] or cursors["before"]
        page = relevance_page(incidents, form.cleaned_data["q"], after=cursor)
    else:
        page = kept_page(
            request.user, data, form, partial(_keyset_page, request.user, form, cursors)
        )
    params = data.copy()
    params.pop("after", None)
    params.pop("before", None)
    filters_query, bulk, now = params.urlencode(), True, timezone.now()
    rows = page.rows
    return render(
        request,
        "incidents/queue/list.html",
        {
            "form": form,
            "page": page,
            "row_texts": {key: str(text) for key, text in ROW_TEXTS.items()},
            "time_zone": timezone.get_current_timezone_name(),
            "first_url": f"?{filters_query}",
            "filters_query": filters_query,
            "bulk": bulk,
            "next_url": _page_url(params, "after", page.next_cursor),
            "previous_url": _page_url(params, "before", page.previous_cursor),
            # The fragments are cached rendered under a digest of what they show; their
            # data is built (the template calls these) only when one is rendered.
            "fragment_ttl": FRAGMENT_TTL,
            "rows_key": rows_key(rows, now=now, bulk=bulk),
            "filters_key": filters_key(form, filters_query),
            "rows": partial(queue_rows, rows, now=now),
            "filters": partial(filter_controls, form),
            "engineers": partial(bulk_engineers, form),
        },
    )


def _keyset_page(user, form: QueueFilterForm, cursors: dict) -> QueuePage:
    """The page of the filtered queue at the cursor, in due order."""
    # The open filters ("status IN open statuses") read incident_open_due_idx, the
    # partial index of open incidents, in order: no per-status split is needed.
    return queue_page(
        filtered_queue(user, form),
        **cursors,
        descending=form.cleaned_data.get("sort") == "-due",
        undated=not implies_due_time(form),
    )


def _page_url(params: QueryDict, name: str, cursor: str | None) -> str:
    if not cursor:
        return ""
    params = params.copy()
    params[name] = cursor
    return f"?{params.urlencode()}"


urlpatterns = [
    path("queue/", queue, name="queue"),
]
