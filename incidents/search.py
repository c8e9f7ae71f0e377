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

from django.contrib.auth import get_user_model
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


def _matching_ids(terms: list[str], number: str, own: Q, *, postgres: bool):
    """Ids of the incidents any source matches: one indexed lookup per source, UNIONed.

    Each part reads its own index (the incident's and the messages' GIN indexes, the
    number's trigram index, the partner / customer foreign keys, the contacts' index),
    so a rare word costs a few index probes whatever the number of incidents.
    """
    from incidents.models import Incident, IncidentContact, Message

    partners, customers, users, messages = Q(), Q(), Q(), Q()
    for term in terms:
        partners &= Q(name__icontains=term) | Q(partner_number__startswith=term)
        customers &= Q(name__icontains=term) | Q(tenant_domain__icontains=term)
        users &= (
            Q(first_name__icontains=term) | Q(last_name__icontains=term) | Q(email__icontains=term)
        )
        messages &= Q(body__icontains=term)
    if postgres:
        messages = Q(search_vector=_prefix_query(terms))
    plain = Incident._default_manager.order_by()
    parts = [
        plain.filter(own).values("pk"),
        plain.filter(number__contains=number).values("pk"),
        plain.filter(partner__in=Partner.objects.filter(partners).values("pk")).values("pk"),
        plain.filter(customer__in=Customer.objects.filter(customers).values("pk")).values("pk"),
        # The users first (thousands), then their contact rows by the user_id index: not a
        # scan of every contact row joined to its user (FINDINGS: search at 100,000).
        IncidentContact.objects.filter(
            user__in=get_user_model()._default_manager.filter(users).values("pk")
        )
        .order_by()
        .values("incident_id"),
        Message.objects.filter(messages).order_by().values("incident_id"),
    ]
    return parts[0].union(*parts[1:])


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
    ids = _matching_ids(terms, number, own, postgres=postgres)
    return incidents.filter(pk__in=ids).annotate(rank=rank + exact)
