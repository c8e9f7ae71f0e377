"""Periodic tasks: django.tasks has no scheduler, so the worker ticks this one.

settings.PORTAL_PERIODIC_TASKS maps a name to {"task": "dotted.path.to.function",
"interval": seconds}. Each entry has a PeriodicTask row; a tick claims the due ones
with ``UPDATE ... SET next_run_at = now + interval WHERE next_run_at <= now`` and
enqueues only those it claimed, so several workers never start one run twice.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import PeriodicTask


def periodic_tasks() -> dict[str, dict]:
    return dict(getattr(settings, "PORTAL_PERIODIC_TASKS", {}))


def _ensure_rows(names) -> None:
    existing = set(PeriodicTask.objects.filter(name__in=names).values_list("name", flat=True))
    for name in set(names) - existing:
        try:
            with transaction.atomic():
                PeriodicTask.objects.create(name=name, next_run_at=timezone.now())
        except IntegrityError:
            pass  # another worker created it at the same moment


def enqueue_due(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every periodic task that is due; returns the names this call claimed."""
    from .tasks import run_periodic

    entries = periodic_tasks()
    _ensure_rows(entries)
    now = now or timezone.now()
    claimed = []
    for name, entry in sorted(entries.items()):
        interval = dt.timedelta(seconds=int(entry["interval"]))
        won = PeriodicTask.objects.filter(name=name, next_run_at__lte=now).update(
            next_run_at=now + interval, last_run_at=now
        )
        if won:
            run_periodic.enqueue(name, entry["task"])
            claimed.append(name)
    return claimed
