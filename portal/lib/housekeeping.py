"""Scheduled clean-up (the "housekeeping" entry of settings.PORTAL_PERIODIC_TASKS).

For now: wizard upload files older than WIZARD_UPLOAD_MAX_AGE seconds (abandoned
wizard runs) are deleted from WIZARD_TEMP_DIR. Add further clean-ups to ``run``.
"""

from __future__ import annotations

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


def run() -> dict:
    """Every housekeeping job; returns what each one did."""
    result = {"wizard_uploads": delete_expired_wizard_uploads()}
    if any(result.values()):
        logger.info("Housekeeping: %s", result)
    return result
