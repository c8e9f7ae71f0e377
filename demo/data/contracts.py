"""Demo contracts: Signature Cloud Support, Product Support and Advisory packs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from contracts.models import Contract, ContractKind, ContractRegistration
from partners.models import Location

from . import Seed

SIGNATURE, PRODUCT_SUPPORT, ADVISORY = (
    ContractKind.SIGNATURE_CLOUD,
    ContractKind.PRODUCT_SUPPORT,
    ContractKind.ADVISORY,
)


@dataclass(frozen=True)
class DemoContract:
    user: str
    access_id: str
    contract_id: str
    kind: str
    name: str
    units: int
    activated_days_ago: int | None = None
    # A location kit belongs to the partner's additional office and has no registrations.
    location_kit: bool = False


CONTRACTS = {
    "cloud_scs": DemoContract(
        "cloud", "SCS-CONTOSO-01", "7700-4100-0021", SIGNATURE,
        "Signature Cloud Support — Microsoft Azure", 10, 60,
    ),
    "cloud_scs_expired": DemoContract(
        "cloud", "SCS-CONTOSO-00", "7700-4100-0011", SIGNATURE,
        "Signature Cloud Support — previous year", 10, 500,
    ),
    "cloud_product_support": DemoContract(
        "cloud", "PSI-CONTOSO-01", "5500-4100-0022", PRODUCT_SUPPORT,
        "Partner support Gold 20-pack", 20, 60,
    ),
    "cloud_advisory": DemoContract(
        "cloud", "ADV-CONTOSO-01", "3300-4100-0023", ADVISORY,
        "Advisory hours (Gold)", 40, 60,
    ),
    "gold_product_support": DemoContract(
        "gold", "PSI-NORTHWIND-01", "5500-4100-0012", PRODUCT_SUPPORT,
        "Partner support Gold 20-pack", 20, 200,
    ),
    "gold_advisory": DemoContract(
        "gold", "ADV-NORTHWIND-01", "3300-4100-0013", ADVISORY,
        "Advisory hours (Gold)", 20, 200,
    ),
    "gold_abtk": DemoContract(
        "gold", "ABTK-NORTHWIND-02", "5500-4100-0014", PRODUCT_SUPPORT,
        "Additional Business Location Kit — Debrecen", 5, location_kit=True,
    ),
    # Action Pack: benefits are there but not activated yet (the partner must request it).
    "actionpack_product_support": DemoContract(
        "actionpack", "PSI-FABRIKAM-01", "5500-4100-0041", PRODUCT_SUPPORT,
        "Action Pack support incidents", 10,
    ),
    "actionpack_advisory": DemoContract(
        "actionpack", "ADV-FABRIKAM-01", "3300-4100-0042", ADVISORY,
        "Action Pack advisory hours", 5,
    ),
}  # fmt: skip


def contract(
    partner,
    access_id,
    contract_id,
    *,
    kind,
    name,
    units,
    activated_on=None,
    location=None,
    register_to=(),
) -> Contract:
    contract, created = Contract.objects.get_or_create(
        access_id=access_id,
        contract_id=contract_id,
        defaults={
            "partner": partner,
            "kind": kind,
            "name": name,
            "units_granted": units,
            "location": location,
        },
    )
    if created and activated_on is not None:
        # Through the model so the ledger records it and the end date follows the rules.
        contract.activate(on=activated_on)
    for user in register_to:
        ContractRegistration.objects.get_or_create(contract=contract, user=user)
    return contract


def load_contracts(seed: Seed, people: dict) -> dict[str, Contract]:
    return {key: add_contract(seed, people, row) for key, row in CONTRACTS.items()}


def add_contract(seed: Seed, people: dict, row: DemoContract) -> Contract:
    user = people[row.user]
    days_ago = row.activated_days_ago
    location = None
    if row.location_kit:
        location = user.partner.locations.get(kind=Location.Kind.ADDITIONAL)
    return contract(
        user.partner,
        row.access_id,
        row.contract_id,
        kind=row.kind,
        name=row.name,
        units=row.units,
        activated_on=None if days_ago is None else seed.today - dt.timedelta(days=days_ago),
        location=location,
        register_to=[] if row.location_kit else [user],
    )
