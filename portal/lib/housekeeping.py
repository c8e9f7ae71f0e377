"""Scheduled clean-up (the "housekeeping" entry of settings.PORTAL_PERIODIC_TASKS).

Wizard upload files older than WIZARD_UPLOAD_MAX_AGE seconds (abandoned wizard
runs) are deleted from WIZARD_TEMP_DIR; finished background-task records older than
TASK_RESULTS_MAX_AGE_DAYS are pruned. Add further clean-ups to ``run``.
"""

from __future__ import annotations

import datetime
import logging
import time
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)


def delete_expired_wizard_uploads(now: float | None = None) -> int:
    """Delete the wizard's temporary upload files older than the maximum age."""
    root = Path(settings.WIZARD_TEMP_DIR)
    if not root.is_dir():
        return 0
    cutoff = (now if now is not None else time.time()) - settings.WIZARD_UPLOAD_MAX_AGE
    deleted = 0
    for path in root.rglob("*"):
        try:
            if path.is_file() and not path.is_symlink() and path.stat().st_mtime < cutoff:
                path.unlink()
                deleted += 1
        except FileNotFoundError:
            continue  # removed meanwhile (the wizard finished, or another worker)
    return deleted


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
        "wizard_uploads": delete_expired_wizard_uploads(),
        "task_results": prune_task_results(),
    }
    if any(result.values()):
        logger.info("Housekeeping: %s", result)
    return result
