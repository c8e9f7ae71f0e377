"""Scheduled clean-up (the "housekeeping" entry of settings.PORTAL_PERIODIC_TASKS).

Finished background-task records older than TASK_RESULTS_MAX_AGE_DAYS are pruned.
Expired drafts and their files are purged by their own periodic entry
("drafts-purge": ``drafts.services.purge_expired_drafts``).
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def prune_task_results() -> int:
    """Delete finished task records (the e-mails themselves stay in the outbox)."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - datetime.timedelta(days=settings.TASK_RESULTS_MAX_AGE_DAYS)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted


def run() -> dict:
    """Every housekeeping job; returns what each one did."""
    result = {
        "task_results": prune_task_results(),
    }
    if any(result.values()):
        logger.info("Housekeeping: %s", result)
    return result
