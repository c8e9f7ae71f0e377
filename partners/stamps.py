"""Version stamps for cached values built from a partner's users or contracts.

Each partner has one stamp per ``what`` (``USERS``, ``CONTRACTS``): a value cached under a
key that holds the stamp (``partner_stamp``) is dropped at once, in this process, by
``bump_partner_stamp``: every key built with the old stamp is
never read again and expires with its TTL. Callers bump on change (signals, and the
contracts' conditional UPDATEs, which send none) and still give their entries a short TTL
(``LOOKUP_CACHE_TTL``), because with a per-process cache (LocMemCache) another worker's
stamp is not bumped.
"""

from __future__ import annotations

from portal.lib.caching import generation, new_generation

STAMP_KEY = "stamps:partner:{}:{}:v1"
USERS = "users"  # the partner's users (names, e-mail addresses, active or not)
CONTRACTS = "contracts"  # its contracts and their registrations (units left included)


def partner_stamp(partner_id: int | None, what: str) -> str:
    """The partner's current stamp of ``what`` (a new one if none is kept)."""
    return generation(STAMP_KEY.format(partner_id, what))


def bump_partner_stamp(partner_id: int | None, what: str) -> None:
    """Forget every value cached under the partner's stamp of ``what``: now, and again once the change
    is committed (a request that read between the two, before the commit, does not keep
    what it read)."""
    if partner_id is not None:
        new_generation(STAMP_KEY.format(partner_id, what))
