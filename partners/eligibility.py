"""Signature Cloud Support eligibility: the answer and how it reads (SPEC §2).
Used by ``Partner.eligibility_for`` (re-exported from ``partners.models``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import F, FilteredRelation, Q
from django.utils.translation import gettext_lazy as _

from portal.lib.i18n import local_date

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


def _held_with_rules(partner, product: str, rule_model) -> tuple[list, dict]:
    """The partner's competencies and, by competency, their rule for ``product`` (at most
    one: unique per product and competency), read together in one query."""
    held = list(
        partner.competencies.select_related("competency")
        .annotate(
            product_rule=FilteredRelation(
                "competency__rules", condition=Q(competency__rules__product=product)
            )
        )
        .annotate(**{f"rule_{name}": F(f"product_rule__{name}") for name in RULE_FIELDS})
    )
    rules = {
        pc.competency_id: rule_model(
            product=product,
            competency=pc.competency,
            **{name: getattr(pc, f"rule_{name}") for name in RULE_FIELDS},
        )
        for pc in held
        if pc.rule_id is not None
    }
    return held, rules


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
