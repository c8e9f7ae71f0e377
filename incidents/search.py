"""Finding incidents by what an engineer remembers of them (issue 18).

One query string is matched against the incident's number (any part of it), title,
description, error message and contact, its messages, its customer, its partner's
name and Partner ID, and its contacts' names and e-mail addresses.

On PostgreSQL the incident's and each message's own text is read through a stored
``tsvector`` (``search_vector``, kept up to date by a trigger and served by a GIN
index; see migration 0005; since 0101 it also holds the words of the incident's
messages), matched word by word with prefixes ("sharep" finds "SharePoint"), and
ranked; the number and the names are matched as substrings through trigram indexes
(migrations 0005 and 0100). On SQLite (development, tests) the same fields are
matched with ``icontains``.

The work is bounded whatever the number of matches (issue 21): only the ``LIMIT``
most recent matching incidents (highest ids) are ranked. Each source finds its own
``PART_LIMIT`` (at least ``LIMIT + 1``) most recent matches (a walk down the primary
key that stops early for a common word, an index lookup for a rare one), and the
most recent ``LIMIT + 1`` of their union are exactly the most recent matches overall. When more than ``LIMIT``
incidents match, the page says so and asks for a narrower search
(:func:`too_many_matches`).

The queue's relevance page (:func:`best_matches`) is, on PostgreSQL, one statement
written as SQL: the candidates, their rank, the page's ids and its rows as plain
values (no ORM build and compile of a windowed query per request, no model
instances). :func:`search` gives the same matches and rank as a queryset.
"""

from __future__ import annotations

import functools
import re

from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from django.db.models import Case, Count, Exists, F, FloatField, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL, Window
from django.db.models.functions import RowNumber
from django.utils.translation import ngettext

from partners.models import Customer, Partner

CONFIG = "simple"  # five interface languages, and names: no stemming, no stop words
MAX_WORDS = 8
LIMIT = 200  # the most recent matches that are ranked; beyond it: "refine your search"
# How many of its most recent matches each source reads (at least LIMIT + 1). Larger
# than LIMIT + 1 on purpose: PostgreSQL estimates a prefix ('050001':*) that is in no
# statistics at a flat share of the rows, and with LIMIT 201 it then expects to find
# them soon enough walking the primary key backwards, and walks all 100,000 rows for
# a rare term (~250 ms); with 501 it reads the GIN index (~1 ms). A common word costs
# ~300 more index rows (~0.3 ms). FINDINGS "Search, second round".
PART_LIMIT = 501
_TSQUERY_SPECIAL = re.compile(r"[&|!():*<>'\\\"]")


def words(text: str) -> list[str]:
    cleaned = (_TSQUERY_SPECIAL.sub(" ", word).strip() for word in text.split())
    return [word for word in cleaned if word][:MAX_WORDS]


def _tsquery(terms: list[str]) -> str:
    """Every word (cleaned above) as a prefix: ``('mail' | 'mail':*) & ...``.

    Each is also given whole (the same matches): PostgreSQL estimates a whole word
    from the column's statistics but a prefix by its share of the most common words
    (a flat 2% with fewer than 100 of them), so the planner learns that a common
    word is common and stops early.
    """
    return " & ".join(f"('{term}' | '{term}':*)" for term in terms)


# --- PostgreSQL: one statement, each source its own index ---------------------------
# Written as SQL rather than built with the ORM: the five bounded parts cost ~1 ms to
# plan and run on the indexes, and ~6 ms (quiet machine) to build and compile as
# querysets, more than the queries themselves (FINDINGS "Search at 100,000").
# The tables are the models' (``incidents_*``, ``partners_*``); the LIKE patterns are
# escaped as Django escapes ``icontains`` and are served by the trigram indexes of
# migrations 0005 (number) and 0100 (names, e-mail addresses, tenant domains).

_EACH_TERM = {
    "partners": "(UPPER(p.name::text) LIKE UPPER(%s) OR p.partner_number::text LIKE %s)",
    "customers": "UPPER(c.name::text || ' ' || c.tenant_domain::text) LIKE UPPER(%s)",
    "users": "UPPER(u.first_name::text || ' ' || u.last_name::text || ' ' || u.email::text)"
    " LIKE UPPER(%s)",
}
_SOURCES = [
    # The incident's own text and its thread's (migration 0101), in CONFIG.
    "search_vector @@ to_tsquery('simple', %s)",
    "number::text LIKE %s",
    "partner_id IN (SELECT p.id FROM partners_partner p WHERE {partners})",
    "customer_id IN (SELECT c.id FROM partners_customer c WHERE {customers})",
    # The matching users first (a few), then their contact rows by the user_id index.
    "incidents_incident.id IN (SELECT ic.incident_id FROM incidents_incidentcontact ic"
    " WHERE ic.user_id IN (SELECT u.id FROM partners_user u WHERE {users}))",
]


def _pg_candidates_sql(where: str, where_params: list, terms: list[str], number: str):
    """SQL and parameters for the ids of the ``LIMIT + 1`` most recent matches, each
    part bounded after the queue's own filters (``where``)."""
    like = connection.ops.prep_for_like_query
    contains = [f"%{like(term)}%" for term in terms]
    conditions = {
        name: " AND ".join([template] * len(terms)) for name, template in _EACH_TERM.items()
    }
    params = [
        [_tsquery(terms)],
        [f"%{like(number)}%"],
        [value for term in terms for value in (f"%{like(term)}%", f"{like(term)}%")],
        contains,
        contains,
    ]
    parts, values = [], []
    for source, part_params in zip(_SOURCES, params, strict=True):
        parts.append(
            f"(SELECT id FROM incidents_incident WHERE {where} AND "
            f"{source.format(**conditions)} ORDER BY id DESC LIMIT {max(PART_LIMIT, LIMIT + 1)})"
        )
        values += where_params + part_params
    sql = f"SELECT id FROM ({' UNION '.join(parts)}) AS found ORDER BY id DESC LIMIT {LIMIT + 1}"
    return sql, values


def _pg_candidates(incidents: QuerySet, terms: list[str], number: str) -> RawSQL:
    """Ids of the ``LIMIT + 1`` most recent ``incidents`` any source matches."""
    where, where_params = _own_filters(incidents)
    return RawSQL(*_pg_candidates_sql(where or "TRUE", where_params, terms, number))


def _own_filters(incidents: QuerySet) -> tuple[str | None, list]:
    """The WHERE of ``incidents`` (the queue's filters), if it reads only the incident row.

    Then each part is bounded after the filters, so they narrow the matches rather
    than what is left of the most recent ones. A filter through a join would need
    the join: then this is None, and the filters are applied outside, after the
    bound (none of the queue's filters joins).
    """
    query = incidents.query
    if len(query.alias_map) > 1:
        return None, []
    if not query.where:
        return "TRUE", []
    try:
        sql, params = query.get_compiler(connection=connection).compile(query.where)
    except EmptyResultSet:  # e.g. .none(): nothing to find
        return "FALSE", []
    except FullResultSet:
        return "TRUE", []
    return sql, list(params)


# --- SQLite (development, tests): the same sources, with icontains ---------------------


def _sqlite_own(terms: list[str]) -> Q:
    own = Q()
    for term in terms:
        own &= (
            Q(title__icontains=term)
            | Q(description__icontains=term)
            | Q(error_message__icontains=term)
            | Q(contact_name__icontains=term)
            | Q(contact_email__icontains=term)
        )
    return own


def _sqlite_candidates(incidents: QuerySet, terms: list[str], number: str) -> QuerySet:
    from incidents.models import IncidentContact, Message

    partners, customers, users, messages = Q(), Q(), Q(), Q()
    for term in terms:
        partners &= Q(name__icontains=term) | Q(partner_number__startswith=term)
        customers &= Q(name__icontains=term) | Q(tenant_domain__icontains=term)
        users &= (
            Q(first_name__icontains=term) | Q(last_name__icontains=term) | Q(email__icontains=term)
        )
        messages &= Q(body__icontains=term)
    people = get_user_model()._default_manager.filter(users).values("pk")
    contacts = IncidentContact.objects.filter(user__in=people).values("incident_id")
    sources = (
        _sqlite_own(terms)
        | Q(number__contains=number)
        | Q(partner__in=Partner.objects.filter(partners).values("pk"))
        | Q(customer__in=Customer.objects.filter(customers).values("pk"))
        | Q(pk__in=contacts)
        | Q(Exists(Message.objects.filter(messages, incident=OuterRef("pk"))))
    )
    return incidents.filter(sources).order_by("-pk").values("pk")[: LIMIT + 1]


def search(incidents: QuerySet, text: str) -> QuerySet:
    """``incidents`` that match ``text``, annotated with ``rank`` (higher is better).

    Only the ``LIMIT + 1`` most recent matches are returned (see the module's
    docstring); apply the other filters before calling this, so they bound the
    matches and not what is left of them.
    """
    terms = words(text)
    if not terms:
        return incidents.annotate(rank=Value(0.0, output_field=FloatField()))
    number = text.strip().upper()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        query = SearchQuery(_tsquery(terms), search_type="raw", config=CONFIG)
        rank = SearchRank(F("search_vector"), query)
        ids = _pg_candidates(incidents, terms, number)
    else:
        own = _sqlite_own(terms)
        rank = Case(When(own, then=Value(0.5)), default=Value(0.0), output_field=FloatField())
        ids = _sqlite_candidates(incidents.order_by(), terms, number)
    exact = Case(
        When(number=number, then=Value(10.0)),
        When(number__contains=number, then=Value(5.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    return incidents.filter(pk__in=ids).annotate(rank=rank + exact)


def best_matches(
    incidents: QuerySet, text: str, *, columns: tuple[str, ...], offset: int, size: int
) -> tuple[list[tuple], bool, int]:
    """Rows ``offset`` to ``offset + size`` of a search of ``incidents``, best first.

    ``incidents`` are the filtered rows before the search; each row is the values of
    ``columns`` (as ``values_list``). Returns the rows, whether more follow (never
    past ``LIMIT``), and how many incidents matched (``LIMIT + 1`` means "more than
    ``LIMIT``"), counted in the same query. Ties are broken by due time, then id.
    """
    offset = max(0, min(offset, LIMIT))
    terms = words(text)
    own = _own_filters(incidents) if terms and connection.vendor == "postgresql" else (None, [])
    if own[0] is not None:
        rows, matches = _pg_best(own, terms, text.strip().upper(), columns, offset, size + 1)
    else:  # SQLite, a filter through a join, or no word left to search (as search())
        rows, matches = _orm_best(search(incidents, text), columns, offset, size + 1)
    more = len(rows) > size and offset + size < LIMIT
    return rows[:size], more, matches


def _orm_best(searched: QuerySet, columns, offset: int, limit: int) -> tuple[list[tuple], int]:
    """SQLite, a filter through a join, no word left: the ranked page through the ORM."""
    order = ("-rank", F("response_due_at").asc(nulls_last=True), "id")
    counted = searched.annotate(
        matches=Window(Count("pk")),
        recency=Window(RowNumber(), order_by=F("pk").desc()),
    ).filter(recency__lte=LIMIT)  # of the LIMIT + 1 found, the LIMIT most recent
    found = list(counted.order_by(*order).values_list(*columns, "matches")[offset : offset + limit])
    return [row[:-1] for row in found], found[0][-1] if found else 0


# PostgreSQL: one statement. ``found``: the LIMIT + 1 most recent matches (the
# candidates above); ``ranked``: the LIMIT most recent of them with their rank (only
# these read their search_vector); ``page``: the ids of the page, best first. The
# page's rows are then read with their partner, product and owner, by primary key.
_PG_PAGE = (
    "WITH found AS ({candidates}), "
    "ranked AS (SELECT id, response_due_at, "
    "ts_rank(search_vector, to_tsquery('simple', %s)) + CASE WHEN number::text = %s THEN 10.0 "
    "WHEN number::text LIKE %s THEN 5.0 ELSE 0.0 END AS rank FROM incidents_incident "
    "WHERE id IN (SELECT id FROM found ORDER BY id DESC LIMIT {limit})), "
    "page AS (SELECT id, rank, response_due_at FROM ranked "
    "ORDER BY rank DESC, response_due_at ASC NULLS LAST, id ASC LIMIT %s OFFSET %s) "
    "{rows}"
)


def _pg_best(own, terms, number, columns, offset: int, limit: int) -> tuple[list[tuple], int]:
    where, where_params = own
    candidates, params = _pg_candidates_sql(where, where_params, terms, number)
    like = connection.ops.prep_for_like_query
    rows_sql, rows_params = _pg_rows_sql(columns)
    sql = _PG_PAGE.format(candidates=candidates, limit=LIMIT, rows=rows_sql)
    params = [*params, _tsquery(terms), number, f"%{like(number)}%", limit, offset, *rows_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    return [row[:-1] for row in found], found[0][-1] if found else 0


@functools.cache
def _pg_rows_sql(columns: tuple[str, ...]) -> tuple[str, tuple]:
    """The page's rows: ``columns`` (the ORM's joins and column names, compiled once per
    process: the statement is the same for every search) and the match count, by rank."""
    from incidents.models import Incident

    rows = (
        Incident._default_manager.filter(pk__in=RawSQL("SELECT id FROM page", ()))
        .annotate(
            search_rank=RawSQL("SELECT rank FROM page WHERE page.id = incidents_incident.id", ()),
            search_matches=RawSQL("SELECT count(*) FROM found", ()),
        )
        .order_by(F("search_rank").desc(), F("response_due_at").asc(nulls_last=True), "id")
        .values_list(*columns, "search_matches")
    )
    sql, params = rows.query.sql_with_params()
    return sql, tuple(params)


def too_many_matches(matches: int) -> str:
    """What the page says when only the ``LIMIT`` most recent matches were ranked."""
    if matches <= LIMIT:
        return ""
    return ngettext(
        "More than %(limit)d incident matches; the %(limit)d most recent are shown, "
        "best first. Add a word or a filter to narrow the search.",
        "More than %(limit)d incidents match; the %(limit)d most recent are shown, "
        "best first. Add a word or a filter to narrow the search.",
        LIMIT,
    ) % {"limit": LIMIT}
