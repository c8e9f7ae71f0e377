"""The "My benefits" figures and the seed-003 checklist (SPEC §3).

Everything is computed from four queries (partner, locations, contracts,
activation requests), whatever the number of locations and contracts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from partners.models import Location, MembershipLevel
from portal.lib.i18n import local_date

from .models import ActivationRequest, Contract, ContractKind

BENEFIT_KINDS = (ContractKind.ADVISORY, ContractKind.SIGNATURE_CLOUD, ContractKind.PRODUCT_SUPPORT)


@dataclass
class Check:
    label: str
    ok: bool
    detail: str = ""


@dataclass
class BenefitRow:
    kind: str
    label: str
    unit_label: str
    total: int = 0
    used: int = 0
    remaining: int = 0
    blank: bool = True
    checks: list[Check] = field(default_factory=list)

    @property
    def failed(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]


@dataclass
class LocationBenefits:
    location: Location | None
    is_core: bool
    rows: list[BenefitRow]
    pending: ActivationRequest | None = None
    # Pay-per-incident plans bought by the company's users (issue 19), with end date.
    plans: list[Contract] = field(default_factory=list)


def _row_labels(kind: str) -> tuple[str, str]:
    if kind == ContractKind.ADVISORY:
        return _("Advisory hours"), _("hours")
    if kind == ContractKind.SIGNATURE_CLOUD:
        return _("Signature Cloud incidents"), _("incidents")
    return _("Product Support incidents"), _("incidents")


def linked_check(user) -> Check:
    partner = user.partner if user.partner_id else None
    ok = partner is not None and partner.is_active
    return Check(
        _("Your account is linked to an active partner."),
        ok,
        ""
        if ok
        else _(
            "Sign in with the account your company's global admin linked to the partner, "
            "or ask them to link this one."
        ),
    )


def network_member_check(partner) -> Check:
    ok = partner is not None and partner.membership_level != MembershipLevel.NETWORK_MEMBER
    return Check(
        _("Your company has an Action Pack subscription or a higher membership."),
        ok,
        ""
        if ok
        else _(
            "Your company is a network member without an Action Pack subscription, so it "
            "has no support benefits."
        ),
    )


def benefit_rows(
    kinds_contracts: dict[str, list[Contract]],
    *,
    user,
    partner,
    is_core: bool,
    on: dt.date,
    pending: ActivationRequest | None,
) -> list[BenefitRow]:
    rows = []
    linked = linked_check(user)
    network = network_member_check(partner)
    for kind in BENEFIT_KINDS:
        label, unit_label = _row_labels(kind)
        row = BenefitRow(kind=kind, label=label, unit_label=unit_label)
        contracts = kinds_contracts.get(kind, [])
        current = [c for c in contracts if c.is_activated and not c.is_expired(on)]
        entitled = bool(contracts) and network.ok
        row.checks = [
            linked,
            _entitled_check(entitled, is_core, label),
            _activated_check(contracts, current, on, pending),
            network,
        ]
        if linked.ok and current and network.ok:
            row.blank = False
            row.total = sum(c.units_granted for c in current)
            row.used = sum(c.units_used for c in current)
            row.remaining = row.total - row.used
        rows.append(row)
    return rows


def _entitled_check(entitled: bool, is_core: bool, label: str) -> Check:
    if entitled:
        return Check(_("Your company is entitled to this benefit."), True)
    if is_core:
        detail = _("No %(benefit)s are recorded for your company's core benefits.") % {
            "benefit": label
        }
    else:
        detail = _(
            "No %(benefit)s are recorded for this location. Competency partners may "
            "buy an Additional Business Location Kit (ABTK) for it."
        ) % {"benefit": label}
    return Check(_("Your company is entitled to this benefit."), False, detail)


def _activated_check(contracts, current, on: dt.date, pending) -> Check:
    if current:
        return Check(_("The support contract is activated."), True)
    expired = [c for c in contracts if c.is_activated and c.is_expired(on)]
    if expired:
        detail = _("The contract expired on %(date)s.") % {
            "date": local_date(max(c.ends_on for c in expired))
        }
    elif not contracts:
        detail = _("There is no contract of this benefit to activate.")
    elif pending is not None:
        detail = _("Activation was requested on %(date)s and is pending.") % {
            "date": local_date(pending.created_at.date())
        }
    else:
        detail = _(
            "Not activated. A global admin or partner admin of your company can "
            "request the activation."
        )
    return Check(_("The support contract is activated."), False, detail)


def benefits_for(user, on: dt.date) -> tuple[list[LocationBenefits], list[ActivationRequest]]:
    """The benefits of the user's partner, headquarters first, and its activation requests."""
    partner = user.partner if user.partner_id else None
    if partner is None:
        rows = benefit_rows({}, user=user, partner=None, is_core=True, on=on, pending=None)
        return [LocationBenefits(None, True, rows)], []
    locations = list(Location.objects.filter(partner=partner).order_by("-kind", "name"))
    headquarters = next((loc for loc in locations if loc.kind == Location.Kind.HEADQUARTERS), None)
    contracts = (
        Contract.objects.filter(
            partner=partner, kind__in=(*BENEFIT_KINDS, ContractKind.PAY_PER_INCIDENT)
        )
        .only(
            "kind",
            "location_id",
            "status",
            "ends_on",
            "units_granted",
            "units_used",
            "name",
            "contract_id",
        )
        .order_by("ends_on", "pk")
    )
    by_scope: dict[int | None, dict[str, list[Contract]]] = {}
    for contract in contracts:
        scope = contract.location_id
        if headquarters is not None and scope is None:
            scope = headquarters.pk
        by_scope.setdefault(scope, {}).setdefault(contract.kind, []).append(contract)
    requests = list(
        ActivationRequest.objects.filter(partner=partner)
        .select_related("requested_by", "location")
        .order_by("-created_at")[:20]
    )
    pending = {r.location_id: r for r in requests if r.status == ActivationRequest.Status.PENDING}
    result = []
    for location in locations or [None]:
        key = location.pk if location else None
        is_core = location is None or location.kind == Location.Kind.HEADQUARTERS
        rows = benefit_rows(
            by_scope.get(key, {}),
            user=user,
            partner=partner,
            is_core=is_core,
            on=on,
            pending=pending.get(key),
        )
        plans = [
            plan
            for plan in by_scope.get(key, {}).get(ContractKind.PAY_PER_INCIDENT, [])
            if plan.is_activated and not plan.is_expired(on)
        ]
        result.append(LocationBenefits(location, is_core, rows, pending.get(key), plans))
    return result, requests
