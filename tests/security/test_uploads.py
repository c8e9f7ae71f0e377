"""Uploads (issue 9 §3): only listed types, checked on content; safe names; private storage."""

import os
import stat
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from incidents.services import IncidentDraft, save_attachment, submit_incident
from portal.lib.uploads import AttachmentsField, clean_filename, validate_attachment


def png_bytes(extra: bytes = b"") -> bytes:
    """A real 1x1 PNG, optionally with bytes hidden in a text chunk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    body = zlib.compress(b"\x00\xff\x00\x00")
    chunks = chunk(b"IHDR", header)
    if extra:
        chunks += chunk(b"tEXt", b"comment\x00" + extra)
    return b"\x89PNG\r\n\x1a\n" + chunks + chunk(b"IDAT", body) + chunk(b"IEND", b"")


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
MZ = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("page.htm", b"<html></html>"),
        ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("polyglot.png", png_bytes(b"<html><script>alert(1)</script></html>")),
        ("tool.pdf", ELF),
        ("setup.pdf", MZ),
        ("notes.txt", b"<script>alert(1)</script>"),
        ("fake.png", PDF),
        ("archive.exe", MZ),
        ("noextension", b"plain"),
    ],
)
def test_dangerous_or_mislabelled_files_are_rejected(name, content):
    with pytest.raises(ValidationError):
        validate_attachment(upload(name, content))


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("screen.png", png_bytes(), "image/png"),
        ("report.pdf", PDF, "application/pdf"),
        ("trace.log", "naplófájl ログ 로그".encode(), "text/plain"),
    ],
)
def test_allowed_files_pass_with_the_type_their_content_has(name, content, expected):
    assert validate_attachment(upload(name, content)) == expected


def test_an_oversize_file_is_rejected(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="limit"):
        validate_attachment(upload("big.txt", b"a" * 1025))


def test_too_many_files_are_rejected_and_every_file_is_validated(settings):
    settings.ATTACHMENT_MAX_FILES = 2
    field = AttachmentsField()
    with pytest.raises(ValidationError, match="at most 2"):
        field.clean([upload(f"{i}.txt", b"x") for i in range(3)])
    # One good and one bad file: the bad one is not let through behind the good one.
    with pytest.raises(ValidationError):
        field.clean([upload("ok.txt", b"fine"), upload("bad.svg", b"<svg/>")])


@pytest.mark.parametrize(
    "name", ["evil\u202egnp.txt", "zero\u200bwidth.txt", "bell\x07.txt", "tab\tname.txt"]
)
def test_names_with_hidden_or_bidi_control_characters_are_rejected(name):
    with pytest.raises(ValidationError):
        clean_filename(name)


def test_path_traversal_and_long_names_are_reduced_to_a_safe_display_name():
    assert clean_filename("../../etc/passwd.txt") == "passwd.txt"
    assert clean_filename("..\\..\\win.txt") == "win.txt"
    long_name = "a" * 300 + ".txt"
    cleaned = clean_filename(long_name)
    assert len(cleaned) <= 120 and cleaned.endswith(".txt")


def test_stored_files_get_a_generated_private_name(partner_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    incident = submit_incident(
        IncidentDraft(
            user=partner_user,
            channel="office365",
            title="t",
            description="d",
            severity="C",
            contact_name="n",
            contact_email="n@example.com",
        )
    )
    file = upload("../../x" + "b" * 300 + ".txt", b"log line")
    file.display_name = clean_filename(file.name)
    attachment = save_attachment(incident, file, partner_user)
    stored = attachment.file.path
    assert os.path.dirname(os.path.realpath(stored)).startswith(str(settings.MEDIA_ROOT))
    assert "x" + "b" * 10 not in os.path.basename(stored)  # the uploader's name is not used
    mode = stat.S_IMODE(os.stat(stored).st_mode)
    assert mode & 0o077 == 0, oct(mode)  # not readable by group or others
    assert attachment.original_name == file.display_name
