"""Read a value from the cache framework, or compute and keep it: the look-up lists' pattern.

incidents/lookups.py and partners/eligibility.py keep rarely changing reads this way; each
drops its keys on change (signals) and passes a TTL, so that with a per-process cache
(LocMemCache) the other workers see a change within that time.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction

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


# --- generations: a token that every key of a family of entries holds ---------------
# A family of cached entries (a user's Azure lists, the queue's kept pages, a partner's
# plans...) is keyed with the token stored under one key; drawing a new token drops them
# all at once (the old keys are never read again and expire with their TTL).


def generation(key: str, ttl: int | None = None) -> str:
    """The token stored under ``key``, or a new random one when there is none (never
    stored, dropped, expired or evicted: a random token, not a counter, so no entry of an
    earlier generation can be read again)."""
    token = cache.get(key)
    if token is None:
        token = uuid.uuid4().hex
        if not cache.add(key, token, ttl):  # another request drew one first: theirs
            token = cache.get(key) or token
    return token


def new_generation(key: str) -> None:
    """Drop every entry of ``key``'s family: now, and again once the current transaction
    commits (a request that read the old rows in between kept them under the token it
    drew; that one goes too)."""
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


# --- a per-process copy of a cached value -------------------------------------------
# LocMemCache (and any shared cache) hands out a fresh unpickled copy on every get: for a
# list of a few hundred model instances read on every wizard step, ~0.5 ms per read
# (issue 21). ``cached_in_process`` keeps the unpickled value in this process and asks
# the cache only for a short stamp that names the stored version: the stamp goes when
# the entry is dropped (``forget_in_process``, on change) or expires (the TTL), or when
# the cache is cleared, and then the value is read (or computed) again.
_LOCAL: dict[str, tuple[str, object]] = {}


def _stamp_key(key: str) -> str:
    return f"{key}:stamp"


def cached_in_process[T](key: str, compute: Callable[[], T], ttl: int | None) -> T:
    """Like :func:`cached`, but the value is unpickled once per process and version.

    The value is SHARED by every caller in this process (and its threads): callers must
    not change it (nor the objects in it) in ways another request could see.
    """
    stamp = cache.get(_stamp_key(key))
    local = _LOCAL.get(key)
    if stamp is not None and local is not None and local[0] == stamp:
        return local[1]
    entry = cache.get(key) if stamp is not None else None
    if entry is None:
        # No stamp: never stored, dropped, expired or evicted (a value left without its
        # stamp is as old as the TTL allows): read afresh.
        entry = (uuid.uuid4().hex, compute())
        cache.set(key, entry, ttl)
        cache.set(_stamp_key(key), entry[0], ttl)
    _LOCAL[key] = entry
    return entry[1]


def forget_in_process(key: str) -> None:
    """Drop a :func:`cached_in_process` value (its stamp too: every process rereads it)."""
    cache.delete_many([key, _stamp_key(key)])
    _LOCAL.pop(key, None)
