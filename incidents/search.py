"""Finding incidents by what an engineer remembers of them (issue 18).

One query string is matched against the incident's number (any part of it), title,
description, error message and contact, its messages, its customer, its partner's
name and Partner ID, and its contacts' names and e-mail addresses.

On PostgreSQL the incident's and each message's own text is read through a stored
``tsvector`` (``search_vector``, kept up to date by a trigger and served by a GIN
index; see migration 0004), matched word by word with prefixes ("sharep" finds
"SharePoint"), and ranked; the number is matched as a substring through a trigram
index. On SQLite (development, tests) the same fields are matched with ``icontains``.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When

from partners.models import Customer, Partner

CONFIG = "simple"  # five interface languages, and names: no stemming, no stop words
MAX_WORDS = 8
_TSQUERY_SPECIAL = re.compile(r"[&|!():*<>'\\\"]")


def words(text: str) -> list[str]:
    cleaned = (_TSQUERY_SPECIAL.sub(" ", word).strip() for word in text.split())
    return [word for word in cleaned if word][:MAX_WORDS]


def _prefix_query(terms: list[str]):
    from django.contrib.postgres.search import SearchQuery

    # Every word, each as a prefix: 'mail':* & 'flow':*  (the words are cleaned above).
    raw = " & ".join(f"'{term}':*" for term in terms)
    return SearchQuery(raw, search_type="raw", config=CONFIG)


def _related_matches(terms: list[str], *, postgres: bool) -> Q:
    """Incidents whose partner, customer, contacts or messages mention every word."""
    from incidents.models import IncidentContact, Message

    partners, customers, users, messages = Q(), Q(), Q(), Q()
    for term in terms:
        partners &= Q(name__icontains=term) | Q(partner_number__startswith=term)
        customers &= Q(name__icontains=term) | Q(tenant_domain__icontains=term)
        users &= (
            Q(user__first_name__icontains=term)
            | Q(user__last_name__icontains=term)
            | Q(user__email__icontains=term)
        )
        if not postgres:
            messages &= Q(body__icontains=term)
    if postgres:
        messages = Q(search_vector=_prefix_query(terms))
    return (
        Q(partner_id__in=Partner.objects.filter(partners).values("pk"))
        | Q(customer_id__in=Customer.objects.filter(customers).values("pk"))
        | Q(pk__in=IncidentContact.objects.filter(users).values("incident_id"))
        | Q(pk__in=Message.objects.filter(messages).values("incident_id"))
    )


def search(incidents: QuerySet, text: str) -> QuerySet:
    """``incidents`` that match ``text``, annotated with ``rank`` (higher is better)."""
    terms = words(text)
    if not terms:
        return incidents.annotate(rank=Value(0.0, output_field=FloatField()))
    postgres = connection.vendor == "postgresql"
    number = text.strip().upper()
    by_number = Q(number__contains=number)
    if postgres:
        from django.contrib.postgres.search import SearchRank

        query = _prefix_query(terms)
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
        When(by_number, then=Value(5.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    return incidents.filter(by_number | own | _related_matches(terms, postgres=postgres)).annotate(
        rank=rank + exact
    )
