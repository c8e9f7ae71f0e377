"""Upload hygiene (issue 14): whole-file sniffing, no attachment file without its row."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from incidents import services
from incidents.models import Attachment, Incident
from incidents.services import (
    IncidentDraft,
    files_removed_on_rollback,
    save_attachment,
    submit_incident,
)
from portal.lib.uploads import SCAN_CHUNK, validate_attachment
from tests.incidents.test_office365_wizard import PNG


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(name, body, content_type="text/plain"):
    return SimpleUploadedFile(name, body, content_type=content_type)


@pytest.mark.parametrize("offset", [300 * 1024, SCAN_CHUNK - 3, 5 * 1024 * 1024])
def test_script_anywhere_in_a_text_file_is_refused(offset):
    body = b"a" * offset + b"<script>alert(1)</script>\n"
    with pytest.raises(ValidationError) as exc:
        validate_attachment(upload("big.log", body))
    assert exc.value.code == "active_content"


def test_markup_far_inside_an_image_is_refused():
    body = PNG + b"\x00" * (2 * SCAN_CHUNK) + b"<html><body onload=x()>"
    with pytest.raises(ValidationError) as exc:
        validate_attachment(upload("screen.png", body, "image/png"))
    assert exc.value.code == "active_content"


def test_binary_bytes_far_inside_a_text_file_are_refused():
    body = b"line\n" * 200_000 + b"\xff\xfe\x00binary"
    with pytest.raises(ValidationError) as exc:
        validate_attachment(upload("big.txt", body))
    assert exc.value.code == "bad_content"


def test_a_long_clean_text_file_with_multibyte_characters_across_chunks_passes():
    body = "árvíztűrő tükörfúrógép — 日本語\n".encode() * 60_000
    assert len(body) > 2 * SCAN_CHUNK
    assert validate_attachment(upload("notes.txt", body)) == "text/plain"


def _incident(user):
    return submit_incident(
        IncidentDraft(
            user=user,
            channel="office365",
            title="Mail flow stopped",
            description="No mail since 9:00",
            severity="B",
            contact_name="Anna",
            contact_email=user.email,
        )
    )


def test_an_attachment_file_saved_in_a_transaction_that_rolls_back_is_deleted(
    partner_user, settings
):
    incident = _incident(partner_user)
    with pytest.raises(RuntimeError), files_removed_on_rollback(), transaction.atomic():
        save_attachment(incident, upload("a.txt", b"log"), partner_user)
        assert len(stored_files(settings)) == 1
        raise RuntimeError("worker stopped half-way")

    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_a_submit_that_fails_after_writing_its_files_leaves_no_file(
    partner_user, settings, monkeypatch
):
    real_save = services.save_attachment
    written = []

    def save_then_fail(*args, **kwargs):  # the files are the last thing in the transaction
        written.append(real_save(*args, **kwargs))
        if len(written) == 2:  # both files stored, then the transaction fails
            assert len(stored_files(settings)) == 2
            raise RuntimeError("storage acknowledged, database gone")
        return written[-1]

    monkeypatch.setattr(services, "save_attachment", save_then_fail)
    with pytest.raises(RuntimeError):
        submit_incident(
            IncidentDraft(
                user=partner_user,
                channel="office365",
                title="Mail flow stopped",
                description="No mail since 9:00",
                severity="B",
                contact_name="Anna",
                contact_email=partner_user.email,
                files=[upload("a.txt", b"one"), upload("b.txt", b"two")],
            )
        )

    assert not Incident.objects.exists() and not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_a_successful_submit_keeps_its_files(partner_user, settings):
    png = upload("s.png", PNG, "image/png")
    png.content_type = "image/png"
    incident = submit_incident(
        IncidentDraft(
            user=partner_user,
            channel="office365",
            title="Mail flow stopped",
            description="No mail since 9:00",
            severity="B",
            contact_name="Anna",
            contact_email=partner_user.email,
            files=[png],
        )
    )
    attachment = Attachment.objects.get(incident=incident)
    assert attachment.file.read() == PNG
    assert len(stored_files(settings)) == 1


def test_the_orphan_sweep_keeps_the_files_of_attachments(partner_user, settings):
    import os

    from django.utils import timezone

    from drafts.services import purge_orphaned_attachment_files

    incident = _incident(partner_user)
    attachment = save_attachment(incident, upload("a.txt", b"log"), partner_user)
    path = Path(attachment.file.path)
    old = (timezone.now().timestamp()) - 7 * 24 * 3600
    os.utime(path, (old, old))

    assert purge_orphaned_attachment_files() == 0
    assert path.exists()


def test_a_file_posted_three_times_to_a_failing_step_is_kept_once(
    partner_client, partner_user, settings
):
    """Issue 14: three posts of a file to a refused details step used to leave three."""
    from drafts.models import Draft
    from tests.builders import make_contract
    from tests.incidents.test_azure_wizard import azure as azure_fixture
    from tests.incidents.test_azure_wizard import (
        details,
        make_subscription,
        post_step,
        walk_to_details,
    )

    azure = azure_fixture.__wrapped__(None)
    subscription = make_subscription(partner_user)
    contract = make_contract(partner_user.partner, register_to=partner_user)
    walk_to_details(partner_client, azure, contract=contract)
    for n in range(3):
        body = f"attempt {n}\n".encode()
        refused = post_step(
            partner_client,
            "details",
            details(subscription, title=""),  # refused: the title is required
            **{"details-files": [upload("trace.txt", body)]},
        )
        assert refused.status_code == 200 and refused.context["form"].errors

    files = [p for p in (Path(settings.MEDIA_ROOT) / "drafts").rglob("*") if p.is_file()]
    assert [p.read_bytes() for p in files] == [b"attempt 2\n"]
    assert Draft.objects.get(user=partner_user).upload_bytes == len(b"attempt 2\n")
