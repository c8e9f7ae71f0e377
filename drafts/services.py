"""Draft rules in one place: the upload quota, discarding, and housekeeping."""

from __future__ import annotations

import logging
import posixpath
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Draft, state_file_names

logger = logging.getLogger(__name__)

DRAFT_FILES_DIR = "drafts"
ATTACHMENTS_DIR = "attachments"  # incidents.models.attachment_path
# A file younger than this is never an orphan: its draft may be being saved right now.
ORPHAN_GRACE = timedelta(hours=6)


def draft_file_name(user, original_name: str) -> str:
    """A generated storage name under the user's folder; never the uploader's name."""
    ext = original_name.rsplit(".", 1)[-1].lower() if "." in original_name else "bin"
    ext = "".join(ch for ch in ext if ch.isalnum())[:8] or "bin"
    return f"{DRAFT_FILES_DIR}/{user.pk}/{uuid.uuid4().hex}.{ext}"


def check_upload_quota(user, *, incoming: int, held_here: int, draft_pk=None) -> None:
    """Refuse new wizard files that would take ``user`` over DRAFT_UPLOAD_QUOTA_BYTES.

    ``held_here``: what the draft being edited keeps after this upload (its other
    steps' files); every other open draft of the user counts as stored.
    """
    others = Draft.objects.of(user).exclude(pk=draft_pk).aggregate(total=Sum("upload_bytes"))
    held = (others["total"] or 0) + held_here
    limit = settings.DRAFT_UPLOAD_QUOTA_BYTES
    if held + incoming > limit:
        raise ValidationError(
            _(
                "These files (%(incoming)s) would take your unfinished requests over their "
                "limit of %(limit)s of files; %(held)s are already kept. Attach smaller files, "
                "or discard a draft you no longer need."
            )
            % {
                "incoming": filesizeformat(incoming),
                "limit": filesizeformat(limit),
                "held": filesizeformat(held),
            },
            code="quota",
        )


def delete_files(names, storage=None) -> None:
    storage = storage or default_storage
    for name in names:
        try:
            storage.delete(name)
        except Exception:  # noqa: BLE001 - a missing file is already gone; others: sweep later
            logger.warning("Could not delete draft file %s", name, exc_info=True)


def discard_draft(draft: Draft) -> None:
    """Delete a draft and every file it holds."""
    names = draft.file_names()
    Draft.objects.filter(pk=draft.pk).delete()
    delete_files(names)


def purge_expired_drafts(now=None) -> dict:
    """Delete expired drafts with their files, then orphaned draft files.

    Returns counts, for the housekeeping log: ``{"drafts": n, "files": n, "orphans": n}``.
    """
    now = now or timezone.now()
    drafts = files = 0
    for draft in Draft.objects.filter(expires_at__lte=now).iterator():
        files += len(draft.file_names())
        discard_draft(draft)
        drafts += 1
    return {
        "drafts": drafts,
        "files": files,
        "orphans": purge_orphaned_files(now),
        "attachment_orphans": purge_orphaned_attachment_files(now),
    }


def purge_orphaned_files(now=None, storage=None) -> int:
    """Delete files under drafts/ that no draft refers to (a request that died half-way)."""
    storage = storage or default_storage
    now = now or timezone.now()
    referenced = set()
    for state in Draft.objects.values_list("state", flat=True).iterator():
        referenced.update(state_file_names(state))
    removed = 0
    for name in _walk(storage, DRAFT_FILES_DIR):
        if name in referenced:
            continue
        try:
            modified = storage.get_modified_time(name)
        except (FileNotFoundError, NotImplementedError, OSError):
            continue
        if now - modified < ORPHAN_GRACE:
            continue
        delete_files([name], storage)
        removed += 1
    return removed


def purge_orphaned_attachment_files(now=None, storage=None) -> int:
    """Delete attachment files without an Attachment row (a worker killed mid-submit)."""
    from incidents.models import Attachment

    storage = storage or Attachment.file.field.storage
    now = now or timezone.now()
    referenced = set(Attachment.objects.values_list("file", flat=True).iterator())
    removed = 0
    for name in _walk(storage, ATTACHMENTS_DIR):
        if name in referenced:
            continue
        try:
            modified = storage.get_modified_time(name)
        except (FileNotFoundError, NotImplementedError, OSError):
            continue
        if now - modified < ORPHAN_GRACE:
            continue  # maybe inside a transaction that has not committed yet
        delete_files([name], storage)
        removed += 1
    return removed


def _walk(storage, folder):
    try:
        dirs, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield posixpath.join(folder, name)
    for sub in dirs:
        yield from _walk(storage, posixpath.join(folder, sub))
