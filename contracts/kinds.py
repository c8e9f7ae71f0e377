"""``Contract.get_kind_display`` read from the enum (issue 21).

Django's generated method walks the field's choices on every call (~40 us); the contract
step lists, the Azure kind refusals and every submit's support plan ask it for each
contract. The enum answers with one look-up (~4 us) and the same text in every language.
"""

from __future__ import annotations


def kind_display(contract) -> str | None:
    """As Django's ``get_kind_display``: a value not among the choices reads as itself."""
    from .models import ContractKind  # contracts.models imports this module

    try:
        return str(ContractKind(contract.kind).label)
    except ValueError:
        return contract.kind
