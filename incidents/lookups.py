"""Look-up lists that the engineer pages read on every request, cached.

The queue's filter form lists every support engineer and every product, the engineer
detail page the path of the incident's topic in the catalogue tree. These
change rarely (an engineer joins, a product is added) but were read from the
database on every page view (two queries, ~4 ms of the ~23 ms first page: see
bench/FINDINGS.md). They are kept as plain values (no model instances) in the
cache framework:

* on change, the process that made the change drops them (post_save / post_delete /
  m2m_changed signals, connected in IncidentsConfig.ready);
* every entry also expires after ``LOOKUP_TTL`` seconds, so that with a per-process
  cache (LocMemCache, the default) the other workers see the change within a minute.

Labels that depend on the active language (product and topic names) are chosen per request
from the cached columns, so one entry serves every language.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language

from contracts.models import Product, ProductVersion
from portal.lib.caching import cached, cached_in_process, forget_in_process
from portal.lib.i18n import TRANSLATED_LANGUAGES

from .models import Topic

LOOKUP_TTL = getattr(settings, "LOOKUP_CACHE_TTL", 60)
ENGINEERS_KEY = "lookups:engineers:v1"
PRODUCTS_KEY = "lookups:products:v1"
TOPICS_KEY = "lookups:topics:v1"
PRODUCT_COLUMNS = ("pk", "name", *(f"name_{lang}" for lang in TRANSLATED_LANGUAGES))
TOPIC_COLUMNS = ("pk", "parent_id", *PRODUCT_COLUMNS[1:])


def _engineer_label(first_name: str, last_name: str, username: str, email: str) -> str:
    """``user_label`` from the columns (AbstractUser.get_full_name's rule)."""
    name = f"{first_name} {last_name}".strip() or username
    return f"{name} <{email}>" if email else name


def engineer_choices() -> list[tuple[str, str]]:
    """``(str(pk), label)`` of every active support engineer, by name."""
    return cached(ENGINEERS_KEY, _read_engineer_choices, LOOKUP_TTL)


def _read_engineer_choices() -> list[tuple[str, str]]:
    engineers = get_user_model().objects.support_engineers()
    return [
        (str(pk), _engineer_label(first, last, username, email))
        for pk, first, last, username, email in engineers.values_list(
            "pk", "first_name", "last_name", "username", "email"
        )
    ]


def engineer_choices_digest() -> str:
    """A short digest of ``engineer_choices()``: what HTML built from the list is cached under."""
    return hashlib.md5(repr(engineer_choices()).encode(), usedforsecurity=False).hexdigest()


def product_choices() -> list[tuple[str, str]]:
    """``(str(pk), name in the active language)`` of every product, by English name."""
    rows = cached(
        PRODUCTS_KEY,
        lambda: list(Product.objects.order_by("name", "pk").values_list(*PRODUCT_COLUMNS)),
        LOOKUP_TTL,
    )
    column = _label_column()
    return [(str(row[0]), row[column] or row[1]) for row in rows]


def _forget(key: str) -> None:
    # Now, and again once the change is committed: a request that read the list between
    # the two (seeing the change before it was committed) does not keep it.
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def _label_column() -> int:
    """Where the active language's name sits in a row of PRODUCT_COLUMNS / TOPIC_COLUMNS[1:]."""
    lang = (get_language() or "en")[:2]
    return 2 + TRANSLATED_LANGUAGES.index(lang) if lang in TRANSLATED_LANGUAGES else 1


def topic_path(topic_id: int | None) -> list[str]:
    """The names (active language) from the root of the topic tree down to ``topic_id``.

    Topic.path walks the parents one query per level; the whole catalogue (a few
    hundred nodes) is cached instead as ``{id: (parent_id, names...)}``.
    """
    if topic_id is None:
        return []
    topics = cached(
        TOPICS_KEY,
        lambda: {row[0]: row[1:] for row in Topic.objects.values_list(*TOPIC_COLUMNS)},
        LOOKUP_TTL,
    )
    column = _label_column()
    names, node, seen = [], topics.get(topic_id), set()
    while node is not None and topic_id not in seen:
        seen.add(topic_id)
        names.append(node[column] or node[1])
        topic_id = node[0]
        node = topics.get(topic_id)
    return list(reversed(names))


def forget_engineers(**kwargs) -> None:
    _forget(ENGINEERS_KEY)


def forget_products(**kwargs) -> None:
    _forget(PRODUCTS_KEY)


def forget_topics(**kwargs) -> None:
    _forget(TOPICS_KEY)


def connect_signals() -> None:
    """Drop a list whenever what it is built from changes (called from AppConfig.ready)."""
    user = get_user_model()
    for signal in (post_save, post_delete):
        signal.connect(forget_engineers, sender=user, dispatch_uid="lookups-engineers-user")
        signal.connect(forget_engineers, sender=Group, dispatch_uid="lookups-engineers-group")
        signal.connect(forget_products, sender=Product, dispatch_uid="lookups-products")
        signal.connect(forget_topics, sender=Topic, dispatch_uid="lookups-topics")
    m2m_changed.connect(
        forget_engineers, sender=user.groups.through, dispatch_uid="lookups-engineers-m2m"
    )


# --- the catalogue the wizards' dependent lists are built from ------------------------
# Every wizard step validates (and most show) the topic lists of step 1, and the Support
# for Business steps the product's versions: two reads per request of a few dozen rows
# that change only when someone edits the catalogue. These are kept as model instances
# (the forms' cleaned data hands them to the submit), unpickled once per process and
# version (portal.lib.caching.cached_in_process, issue 21): the instances are shared by
# every request of the process, read-only (the forms copy the lists they narrow; setting
# a topic's ``parent`` to the catalogue's own parent node, as the topic forms do, only
# caches what is true of every request).
CATALOGUE_KEY = "lookups:topic-catalogue:v1"
CATALOGUE_ROOTS_KEY = "lookups:topic-catalogue-roots:v1"
VERSIONS_KEY = "lookups:product-versions:v1"


def topic_catalogue() -> list[Topic]:
    """Every active topic with its product, in list order (sort order, name)."""
    return cached_in_process(
        CATALOGUE_KEY,
        lambda: list(
            Topic.objects.filter(is_active=True)
            .select_related("product")
            .order_by("sort_order", "name", "pk")
        ),
        LOOKUP_TTL,
    )


def topic_ids_matching(rule: Q) -> frozenset[int]:
    """The ids of the active topics that match ``rule`` (e.g. a wizard's first list).

    One entry per process and catalogue version holds the answer of every rule asked (a
    handful: one per wizard); each process asks the database once per rule and version.
    """
    key = repr(rule)
    answers = cached_in_process(CATALOGUE_ROOTS_KEY, dict, LOOKUP_TTL)
    if key not in answers:
        answers[key] = frozenset(
            Topic.objects.filter(rule, is_active=True).values_list("pk", flat=True)
        )
    return answers[key]


def product_versions(product_id: int | None) -> list[ProductVersion]:
    """The versions of a product, newest mainstream support first (then by name)."""
    return cached_in_process(VERSIONS_KEY, _read_versions, LOOKUP_TTL).get(product_id, [])


def _read_versions() -> dict[int, list[ProductVersion]]:
    versions: dict[int, list[ProductVersion]] = {}
    for version in ProductVersion.objects.order_by("-mainstream_end_on", "name", "pk"):
        versions.setdefault(version.product_id, []).append(version)
    return versions


def _forget_in_process(key: str) -> None:
    # As _forget: now, and again once the change is committed.
    forget_in_process(key)
    transaction.on_commit(lambda: forget_in_process(key))


def forget_catalogue(**kwargs) -> None:
    _forget_in_process(CATALOGUE_KEY)
    _forget_in_process(CATALOGUE_ROOTS_KEY)


def forget_versions(**kwargs) -> None:
    _forget_in_process(VERSIONS_KEY)


def connect_catalogue_signals() -> None:
    """Drop the catalogue when a topic, a product or a version changes (AppConfig.ready)."""
    for signal in (post_save, post_delete):
        signal.connect(forget_catalogue, sender=Topic, dispatch_uid="lookups-catalogue-topic")
        signal.connect(forget_catalogue, sender=Product, dispatch_uid="lookups-catalogue-product")
        signal.connect(forget_versions, sender=ProductVersion, dispatch_uid="lookups-versions")
