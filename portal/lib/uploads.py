"""Attachment validation shared by every upload (wizards, follow-up pages).

Files are checked on their content, not only their name: the extension must be
on the allowlist *and* agree with what the bytes are, and markup that a browser
could run is refused wherever it hides (e.g. a PNG that is also HTML).
"""

from __future__ import annotations

import codecs
import os
import re
import unicodedata

import filetype
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

# extension -> MIME type the content must sniff as (None: plain text)
ALLOWED_TYPES: dict[str, str | None] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "zip": "application/zip",
    "docx": "application/zip",
    "xlsx": "application/zip",
    "txt": None,
    "log": None,
    "csv": None,
}
TEXT_CONTENT_TYPE = "text/plain"
ACTIVE_MARKUP = re.compile(
    rb"<\s*(script|html|svg|iframe|object|embed|body|meta|img)\b|<!doctype|javascript:"
    rb"|onerror\s*=|onload\s*=",
    re.IGNORECASE,
)
SNIFF_BYTES = 256 * 1024  # enough to tell the type
SCAN_CHUNK = 1024 * 1024  # the whole file is scanned in chunks of this size...
SCAN_OVERLAP = 64  # ...overlapping, so that markup cut by a chunk boundary is found
MAX_NAME_LENGTH = 120


def allowed_extensions_text() -> str:
    return ", ".join(sorted(ALLOWED_TYPES))


def clean_filename(name: str) -> str:
    """A display name that is safe to show: no path, no control or bidi characters."""
    name = os.path.basename(name.replace("\\", "/"))
    if any(unicodedata.category(ch) in {"Cc", "Cf"} for ch in name):
        raise ValidationError(
            _("The file name %(name)s contains hidden control characters; rename the file."),
            code="bad_name",
            params={"name": repr(name)},
        )
    name = name.strip().lstrip(".")
    if not name:
        raise ValidationError(_("The file has no name."), code="bad_name")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        name = (
            (stem[: MAX_NAME_LENGTH - len(ext) - 1] + dot + ext) if dot else name[:MAX_NAME_LENGTH]
        )
    return name


def validate_attachment(upload) -> str:
    """Validate one uploaded file; returns its content type. Raises ValidationError."""
    name = clean_filename(upload.name)
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED_TYPES:
        raise ValidationError(
            _("%(name)s: this type of file is not accepted. Accepted types: %(types)s."),
            code="bad_type",
            params={"name": name, "types": allowed_extensions_text()},
        )
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is %(size)s; the limit is %(limit)s per file."),
            code="too_big",
            params={
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
            },
        )
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty."), code="empty", params={"name": name})
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    expected = ALLOWED_TYPES[ext]
    is_text, has_markup = _scan_whole_file(upload, text=expected is None)
    if expected is None:
        if not is_text:
            raise ValidationError(
                _("%(name)s is not a plain text file."), code="bad_content", params={"name": name}
            )
        content_type = TEXT_CONTENT_TYPE
    else:
        kind = filetype.guess(head)
        if kind is None or kind.mime != expected:
            raise ValidationError(
                _("%(name)s does not contain what its name says (.%(ext)s)."),
                code="bad_content",
                params={"name": name, "ext": ext},
            )
        content_type = "application/vnd.openxmlformats" if ext in {"docx", "xlsx"} else kind.mime
    if has_markup:
        raise ValidationError(
            _("%(name)s contains web markup or script, which is not accepted."),
            code="active_content",
            params={"name": name},
        )
    return content_type


def _scan_whole_file(upload, *, text: bool) -> tuple[bool, bool]:
    """Read the whole file once, in chunks: (valid UTF-8 without NUL, markup anywhere).

    The type is told by the first bytes; markup a browser could run, and bytes that
    are not text in a text file, are looked for in every byte (not only the start).
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    is_text = text
    has_markup = False
    tail = b""
    for chunk in upload.chunks(SCAN_CHUNK):
        if is_text:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                is_text = False
            is_text = is_text and b"\x00" not in chunk
        window = tail + chunk
        if not has_markup and ACTIVE_MARKUP.search(window):
            has_markup = True
        tail = window[-SCAN_OVERLAP:]
        if has_markup and not is_text:
            break
    if is_text:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            is_text = False
    upload.seek(0)
    return is_text, has_markup


def _attachments_help_text(count: int) -> str:
    return gettext("Up to %(count)s files, %(size)s each. Accepted types: %(types)s.") % {
        "count": count,
        "size": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
        "types": allowed_extensions_text(),
    }


# Lazy: fields are built at import time, the text is rendered in each request's language.
attachments_help_text = lazy(_attachments_help_text, str)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several optional files; every one of them is validated."""

    widget = MultipleFileInput

    def __init__(self, *args, max_files: int | None = None, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            attachments_help_text(max_files or settings.ATTACHMENT_MAX_FILES),
        )
        self.max_files = max_files
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", ",".join(f".{ext}" for ext in ALLOWED_TYPES))

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        limit = self.max_files or settings.ATTACHMENT_MAX_FILES
        if len(files) > limit:
            raise ValidationError(
                ngettext("Attach at most %(count)d file.", "Attach at most %(count)d files.", limit)
                % {"count": limit},
                code="too_many",
            )
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        errors = []
        cleaned = []
        for upload in files:
            upload = super().clean(upload, initial)
            try:
                upload.content_type = validate_attachment(upload)
                upload.display_name = clean_filename(upload.name)
            except ValidationError as exc:
                errors.extend(exc.error_list)
                continue
            cleaned.append(upload)
        if errors:
            raise ValidationError(errors)
        return cleaned
