"""Finding incidents by what an engineer remembers of them (issue 18).

One query string is matched against the incident's number (any part of it), title,
description, error message and contact, its messages, its customer, its partner's
name and Partner ID, and its contacts' names and e-mail addresses.

On PostgreSQL the incident's and each message's own text is read through a stored
``tsvector`` (``search_vector``, kept up to date by a trigger and served by a GIN
index; see migration 0005), matched word by word with prefixes ("sharep" finds
"SharePoint"), and ranked; the number is matched as a substring through a trigram
index. On SQLite (development, tests) the same fields are matched with ``icontains``.

The work is bounded whatever the number of matches (issue 21): only the ``LIMIT``
most recent matching incidents (highest ids) are ranked. Each source finds its own
``LIMIT + 1`` most recent matches (a walk down the primary key that stops early for
a common word, an index lookup for a rare one), and the most recent ``LIMIT + 1`` of
their union are exactly the most recent matches overall. When more than ``LIMIT``
incidents match, the page says so and asks for a narrower search
(:func:`too_many_matches`).
"""

from __future__ import annotations

import re
from functools import reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Case, Count, Exists, F, FloatField, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import Window
from django.utils.translation import ngettext

from partners.models import Customer, Partner

CONFIG = "simple"  # five interface languages, and names: no stemming, no stop words
MAX_WORDS = 8
LIMIT = 500  # the most recent matches that are ranked; beyond it: "refine your search"
_TSQUERY_SPECIAL = re.compile(r"[&|!():*<>'\\\"]")


def words(text: str) -> list[str]:
    cleaned = (_TSQUERY_SPECIAL.sub(" ", word).strip() for word in text.split())
    return [word for word in cleaned if word][:MAX_WORDS]


def _text_query(terms: list[str], *, prefix: bool):
    """Every word (cleaned above): ``('mail' | 'mail':*) & ...``, or ``'mail' & ...``.

    A prefix is also given whole (the same matches): PostgreSQL estimates a whole
    word from the column's statistics but a prefix by its share of the most common
    words, so the planner learns that a common word is common and stops early.
    """
    from django.contrib.postgres.search import SearchQuery

    each = "('{0}' | '{0}':*)" if prefix else "'{0}'"
    raw = " & ".join(each.format(term) for term in terms)
    return SearchQuery(raw, search_type="raw", config=CONFIG)


def _sources(terms: list[str], number: str, own: Q, *, postgres: bool) -> list[Q]:
    """One condition on the incident per place a match can come from.

    Each is served by its own index: the incident's and the messages' GIN indexes,
    the number's trigram index, the partner / customer foreign keys (the few
    matching partners and customers first), the contacts' user index.
    """
    from incidents.models import IncidentContact, Message

    partners, customers, users, messages = Q(), Q(), Q(), Q()
    for term in terms:
        partners &= Q(name__icontains=term) | Q(partner_number__startswith=term)
        customers &= Q(name__icontains=term) | Q(tenant_domain__icontains=term)
        users &= (
            Q(first_name__icontains=term) | Q(last_name__icontains=term) | Q(email__icontains=term)
        )
        messages &= Q(body__icontains=term)
    if postgres:
        # Whole words in the threads: with fewer than 100 distinct common words in
        # the messages' statistics, PostgreSQL guesses a prefix at 2% of 300,000 rows
        # and walks every message of every incident for a rare one (FINDINGS).
        messages = Q(search_vector=_text_query(terms, prefix=False))
    people = get_user_model()._default_manager.filter(users).values("pk")
    return [
        own,
        Q(number__contains=number),
        Q(partner__in=Partner.objects.filter(partners).values("pk")),
        Q(customer__in=Customer.objects.filter(customers).values("pk")),
        # The users first (thousands), then their contact rows by the user_id index.
        Q(Exists(IncidentContact.objects.filter(incident=OuterRef("pk"), user__in=people))),
        Q(Exists(Message.objects.filter(messages, incident=OuterRef("pk")))),
    ]


def _candidates(incidents: QuerySet, sources: list[Q], *, postgres: bool) -> QuerySet:
    """Ids of the ``LIMIT + 1`` most recent ``incidents`` any source matches."""
    if not postgres:  # SQLite: small data; one query, every source in it
        return incidents.filter(reduce(or_, sources)).order_by("-pk").values("pk")[: LIMIT + 1]
    parts = [
        incidents.filter(source).order_by("-pk").values("pk")[: LIMIT + 1] for source in sources
    ]
    return parts[0].union(*parts[1:]).order_by("-pk")[: LIMIT + 1]


def search(incidents: QuerySet, text: str) -> QuerySet:
    """``incidents`` that match ``text``, annotated with ``rank`` (higher is better).

    Only the ``LIMIT + 1`` most recent matches are returned (see the module's
    docstring); apply the other filters before calling this, so they bound the
    matches and not what is left of them.
    """
    terms = words(text)
    if not terms:
        return incidents.annotate(rank=Value(0.0, output_field=FloatField()))
    postgres = connection.vendor == "postgresql"
    number = text.strip().upper()
    if postgres:
        from django.contrib.postgres.search import SearchRank

        query = _text_query(terms, prefix=True)
        own = Q(search_vector=query)
        rank = SearchRank(F("search_vector"), query)
    else:
        own = Q()
        for term in terms:
            own &= (
                Q(title__icontains=term)
                | Q(description__icontains=term)
                | Q(error_message__icontains=term)
                | Q(contact_name__icontains=term)
                | Q(contact_email__icontains=term)
            )
        rank = Case(When(own, then=Value(0.5)), default=Value(0.0), output_field=FloatField())
    exact = Case(
        When(number=number, then=Value(10.0)),
        When(number__contains=number, then=Value(5.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    sources = _sources(terms, number, own, postgres=postgres)
    ids = _candidates(incidents.order_by(), sources, postgres=postgres)
    return incidents.filter(pk__in=ids).annotate(rank=rank + exact)


def best_matches(incidents: QuerySet, *, offset: int, size: int) -> tuple[list, bool, int]:
    """Rows ``offset`` to ``offset + size`` of a :func:`search`, best first.

    Returns the rows, whether more follow (never past ``LIMIT``), and how many
    incidents matched (``LIMIT + 1`` means "more than ``LIMIT``"), counted in the same
    query. Ties are broken by due time, then id.
    """
    offset = max(0, min(offset, LIMIT - size))
    order = ("-rank", F("response_due_at").asc(nulls_last=True), "id")
    counted = incidents.annotate(matches=Window(Count("pk"))).order_by(*order)
    rows = list(counted[offset : offset + size + 1])
    more = len(rows) > size and offset + size < LIMIT
    return rows[:size], more, rows[0].matches if rows else 0


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
