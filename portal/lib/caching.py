"""Read a value from the cache framework, or compute and keep it: the look-up lists' pattern.

incidents/lookups.py and partners/eligibility.py keep rarely changing reads this way; each
drops its keys on change (signals) and passes a TTL, so that with a per-process cache
(LocMemCache) the other workers see a change within that time.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache

_MISSING = object()


def cached[T](key: str, compute: Callable[[], T], ttl: int | None) -> T:
    """The value stored under ``key``; on a miss ``compute()``'s, stored for ``ttl`` seconds.

    Not ``cache.get_or_set``: that stores with ``add`` and reads the key again (two more
    round trips to a shared cache on every miss).
    """
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, ttl)
    return value
