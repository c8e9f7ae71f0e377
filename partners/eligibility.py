"""Signature Cloud Support eligibility: the answer and how it reads (SPEC §2).
Used by ``Partner.eligibility_for`` (re-exported from ``partners.models``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, FilteredRelation, Q
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from portal.lib.caching import cached
from portal.lib.i18n import TRANSLATED_LANGUAGES, local_date

if TYPE_CHECKING:
    from .models import EligibilityRule


def _eligibility_by_rule(starts, pc, rule, *, on: dt.date, product_label) -> Eligibility:
    """The answer of the mapped competency that makes the partner eligible the earliest."""
    values = {
        "competency": pc.competency.label,
        "product": product_label,
        "from": local_date(rule.available_from),
        "date": local_date(starts),
    }
    if starts <= on:
        reason = _("%(competency)s competency: eligible for %(product)s since %(date)s.")
        return Eligibility(True, reason % values, rule=rule, decided_on=starts)
    if pc.earned_on == starts and pc.earned_on > on:
        reason = _(
            "%(competency)s competency: earned on %(date)s; eligible for %(product)s "
            "from that date."
        )
    elif rule.requires_renewal:
        reason = _(
            "%(competency)s competency: eligible for %(product)s only from the "
            "first membership renewal on or after %(from)s, which is %(date)s."
        )
    else:
        reason = _("%(competency)s competency: eligible for %(product)s from %(date)s.")
    return Eligibility(False, reason % values, rule=rule, decided_on=starts)


RULE_FIELDS = ("id", "available_from", "requires_renewal", "shown_from", "note")
HELD_FIELDS = ("id", "competency_id", "level", "earned_on")
COMPETENCY_FIELDS = ("id", "family", "name", *(f"name_{lang}" for lang in TRANSLATED_LANGUAGES))
# The competencies a partner holds with their rule for a product change rarely (a competency
# earned, a rule edited by staff) but were read on every eligibility check (each final submit
# of the Office 365 and Azure wizards). They are cached as plain values, as incidents/lookups.py
# caches its lists: a change drops the entries (signals, connected in PartnersConfig.ready) and
# every entry expires after ELIGIBILITY_TTL seconds, so that with a per-process cache the other
# workers see a change within a minute. Only the read is cached; the rule is answered anew.
ELIGIBILITY_TTL = getattr(settings, "LOOKUP_CACHE_TTL", 60)
GENERATION_KEY = "eligibility:generation:v1"


def _cache_key(partner_id: int, product: str) -> str:
    generation = cache.get_or_set(GENERATION_KEY, 0, None)
    return f"eligibility:held:v1:{generation}:{partner_id}:{product}"


def _read_held_rows(partner, product: str) -> list[tuple]:
    query = (
        partner.competencies.annotate(
            product_rule=FilteredRelation(
                "competency__rules", condition=Q(competency__rules__product=product)
            )
        )
        .annotate(**{f"rule_{name}": F(f"product_rule__{name}") for name in RULE_FIELDS})
        .annotate(**{f"c_{name}": F(f"competency__{name}") for name in COMPETENCY_FIELDS})
    )
    columns = (
        *HELD_FIELDS,
        *(f"c_{name}" for name in COMPETENCY_FIELDS),
        *(f"rule_{name}" for name in RULE_FIELDS),
    )
    split = (len(HELD_FIELDS), len(HELD_FIELDS) + len(COMPETENCY_FIELDS))
    return [
        (row[: split[0]], row[split[0] : split[1]], row[split[1] :] if row[split[1]] else None)
        for row in query.values_list(*columns)
    ]


def _held_rows(partner, product: str) -> list[tuple]:
    """``(held columns, competency columns, rule columns or None)`` per competency held."""
    return cached(
        _cache_key(partner.pk, product), lambda: _read_held_rows(partner, product), ELIGIBILITY_TTL
    )


# The instances built from a partner's rows, kept in this process while the cached rows
# they were built from are equal (building them on every check cost about half of it,
# issue 21). Only read, and shared by the requests of the process: a held competency
# carries its partner's id, not the caller's partner; ``Eligibility.rule`` hands one out
# to be read. Bounded: emptied when it holds more than BUILT_MAX partners' entries.
_BUILT: dict[tuple[int, str], tuple[list, tuple[list, dict]]] = {}
BUILT_MAX = 512


def _held_with_rules(partner, product: str, rule_model) -> tuple[list, dict]:
    """The partner's competencies and, by competency, their rule for ``product`` (at most
    one: unique per product and competency): one query, or none while cached."""
    rows = _held_rows(partner, product)
    kept = _BUILT.get((partner.pk, product))
    if kept is not None and kept[0] == rows:
        return kept[1]
    built = _build_held(partner.pk, product, rule_model, rows)
    if len(_BUILT) >= BUILT_MAX:
        _BUILT.clear()
    _BUILT[(partner.pk, product)] = (rows, built)
    return built


def _build_held(partner_id: int, product: str, rule_model, rows) -> tuple[list, dict]:
    from .models import PartnerCompetency

    competency_model = PartnerCompetency._meta.get_field("competency").related_model
    held, rules = [], {}
    for held_row, competency_row, rule_row in rows:
        competency = competency_model(**dict(zip(COMPETENCY_FIELDS, competency_row, strict=True)))
        values = dict(zip(HELD_FIELDS, held_row, strict=True))
        held.append(PartnerCompetency(partner_id=partner_id, competency=competency, **values))
        if rule_row is not None:
            rules[competency.pk] = rule_model(
                product=product,
                competency=competency,
                **dict(zip(RULE_FIELDS, rule_row, strict=True)),
            )
    return held, rules


def forget_partner(partner_id: int) -> None:
    """Drop one partner's entries (its competencies changed); now and once committed."""
    from .choices import ScsProduct

    keys = [_cache_key(partner_id, product) for product in ScsProduct.values]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def forget_everyone() -> None:
    """A rule or a competency changed: every partner's entries are stale (a new generation)."""

    def bump():
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            cache.set(GENERATION_KEY, 1, None)

    bump()
    transaction.on_commit(bump)


def _on_held_change(sender, instance, **kwargs) -> None:
    forget_partner(instance.partner_id)


def _on_catalogue_change(sender, **kwargs) -> None:
    forget_everyone()


def connect_signals() -> None:
    """Drop cached answers whenever what they are read from changes (PartnersConfig.ready)."""
    from .models import Competency, EligibilityRule, PartnerCompetency

    for signal in (post_save, post_delete):
        signal.connect(_on_held_change, sender=PartnerCompetency, dispatch_uid="elig-held")
        signal.connect(_on_catalogue_change, sender=EligibilityRule, dispatch_uid="elig-rule")
        signal.connect(_on_catalogue_change, sender=Competency, dispatch_uid="elig-comp")


def _eligibility_without_rule(held, *, on: dt.date, product_label) -> Eligibility:
    """No competency the partner holds maps to the product."""
    names = ", ".join(sorted(pc.competency.label for pc in held if pc.earned_on <= on))
    if not names:
        return Eligibility(
            False,
            _(
                "The partner holds no Gold or Silver competency, which %(product)s "
                "Signature Cloud Support requires."
            )
            % {"product": product_label},
        )
    return Eligibility(
        False,
        _(
            "None of the partner's competencies (%(names)s) maps to %(product)s "
            "Signature Cloud Support."
        )
        % {"names": names, "product": product_label},
    )


def _anniversary(start: dt.date, year: int) -> dt.date:
    try:
        return start.replace(year=year)
    except ValueError:  # 29 February in a common year
        return start.replace(year=year, day=28)


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason: str
    rule: EligibilityRule | None = None
    decided_on: dt.date | None = None

    def __bool__(self) -> bool:
        return self.eligible
