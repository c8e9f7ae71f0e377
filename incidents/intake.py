"""The submission decisions of the Office 365 and Azure wizards, shared with the API.

Each wizard's last step and API v1's ``POST /serviceRequests`` call these, so a
rule (eligibility → rejected, a routing topic → routed, Azure prerequisites and
the contract kind) is decided in one place whatever the channel.
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts.models import ContractKind, Platform, Product
from incidents.forms.azure import BILLING, PROFESSIONAL
from incidents.models import RoutedTeam, Topic
from partners.models import ScsProduct

OFFICE365_PRODUCT_SLUG = "office-365"


def office365_product() -> Product:
    product, _created = Product.objects.get_or_create(
        slug=OFFICE365_PRODUCT_SLUG,
        defaults={"name": "Office 365", "platform": Platform.OFFICE365},
    )
    return product


def office365_product_of(root: Topic) -> Product:
    """The tree's product, read with the topic lists; else looked up by its slug."""
    product = root.product if root.product_id else None
    if product is not None and product.slug == OFFICE365_PRODUCT_SLUG:
        return product
    return office365_product()


def office365_decision(user, leaf: Topic) -> tuple[str, str]:
    """(team it is routed to or "", reason it is rejected or "") for an Office 365 incident.

    An ineligible partner may submit, but the incident is rejected with the reason;
    a non-technical topic is routed to its team. No contract unit is taken.
    """
    eligibility = user.partner.eligibility_for(ScsProduct.OFFICE365)
    return leaf.effective_route, "" if eligibility.eligible else eligibility.reason


def azure_route(option: str, leaf: Topic | None) -> str:
    """The team an Azure request is routed to instead of being worked, or ""."""
    if option == BILLING:
        return RoutedTeam.BILLING
    return leaf.effective_route if leaf else ""


@dataclass(frozen=True)
class AzureDecision:
    refusal: str = ""  # blocking: nothing is created
    step: str = ""  # the wizard step the refusal belongs to
    reject_reason: str = ""  # recorded as rejected (not eligible), no unit taken


def azure_decision(user, *, option, route, contract, prerequisites) -> AzureDecision:
    """The prerequisites again at the moment of submission (SPEC §4.2)."""
    met = {p.key: p for p in prerequisites}
    if not met["subscription"].met:
        return AzureDecision(met["subscription"].fix, "details")
    if option == PROFESSIONAL:
        for key in ("technical_contact", "email_matches"):
            if not met[key].met:
                return AzureDecision(met[key].fix, "options")
    if contract is None and not route:
        return AzureDecision(met["contract"].fix, "contract")
    if contract is not None and contract.kind != ContractKind.SIGNATURE_CLOUD:
        return AzureDecision(met["contract"].fix, "contract")
    if option == PROFESSIONAL and not route and not met["eligible"].met:
        return AzureDecision(reject_reason=user.partner.eligibility_for(ScsProduct.AZURE).reason)
    return AzureDecision()
