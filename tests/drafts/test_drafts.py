"""Saved drafts (issue 17): a wizard left half-way is kept per user, with its files."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from drafts.models import Draft
from drafts.services import purge_expired_drafts
from incidents.models import Attachment, Incident
from tests.builders import make_user
from tests.incidents.test_office365_wizard import (
    PNG,
    STEP,
    URL,
    P,
    attach_data,
    description_data,
    o365_catalogue,
    problem_data,
    supporting_data,
    walk_to_attach,
)


@pytest.fixture
def catalogue(db):
    return o365_catalogue()


def new_client(user) -> Client:
    """Another browser (or another app server): nothing shared but the database."""
    client = Client()
    client.force_login(user)
    return client


def log(name="trace.txt", body=b"first log line\n"):
    return SimpleUploadedFile(name, body, content_type="text/plain")


def draft_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "drafts"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def back_from_attach(client, *files):
    """On the last step, choose files and go Back: the files are kept in the draft."""
    return client.post(URL, {**attach_data(files), "wizard_goto_step": "supporting"})


def test_leaving_and_coming_back_resumes_at_the_step_with_every_answer(
    partner_client, partner_user, catalogue
):
    partner_client.get(URL)
    partner_client.post(URL, problem_data(catalogue["mail"]))
    partner_client.post(URL, description_data())

    response = new_client(partner_user).get(URL)

    assert response.status_code == 200
    assert response.context["wizard"]["steps"].current == "supporting"
    assert response.context["draft_resumed"]
    assert b'data-testid="draft-resumed"' in response.content
    draft = Draft.objects.get(user=partner_user)
    assert draft.current_step == "supporting"
    assert draft.state["step_data"]["description"]["description-title"] == [
        description_data()["description-title"]
    ]
    assert "csrfmiddlewaretoken" not in str(draft.state)
    # Back shows the answers of step 2 as they were typed.
    response = new_client(partner_user).post(
        URL, {**supporting_data(), "wizard_goto_step": "description"}
    )
    assert response.context["form"]["title"].value() == description_data()["description-title"]


def test_files_are_kept_with_the_draft_and_reach_the_incident(
    partner_client, partner_user, catalogue, settings, django_capture_on_commit_callbacks
):
    walk_to_attach(partner_client, catalogue["mail"])
    back_from_attach(partner_client, log())
    assert len(draft_files(settings)) == 1

    other = new_client(partner_user)
    assert other.get(URL).context["wizard"]["steps"].current == "supporting"
    response = other.post(URL, supporting_data())
    assert response.context["stored_files"] == ["trace.txt"]
    with django_capture_on_commit_callbacks(execute=True):
        response = other.post(URL, attach_data())

    assert response.status_code == 302
    incident = Incident.objects.get()
    assert [a.original_name for a in Attachment.objects.filter(incident=incident)] == ["trace.txt"]
    # Submitted: the draft and its temporary files are gone.
    assert not Draft.objects.exists()
    assert draft_files(settings) == []


def test_new_files_replace_and_delete_the_old_ones_at_once(partner_client, catalogue, settings):
    walk_to_attach(partner_client, catalogue["mail"])
    back_from_attach(partner_client, log("a.txt"))
    first = draft_files(settings)
    partner_client.post(URL, supporting_data())
    back_from_attach(partner_client, log("b.txt", b"second\n"))

    files = draft_files(settings)
    assert len(files) == 1 and files != first
    assert files[0].read_bytes() == b"second\n"


def test_the_upload_quota_refuses_with_a_message_and_stores_nothing(
    partner_client, partner_user, catalogue, settings
):
    settings.DRAFT_UPLOAD_QUOTA_BYTES = 1000
    walk_to_attach(partner_client, catalogue["mail"])
    back_from_attach(partner_client, log("a.txt", b"x" * 600))
    partner_client.post(URL, supporting_data())

    # Replacing a.txt with 900 bytes fits (the replaced file no longer counts)...
    response = partner_client.post(
        URL, {**attach_data([log("b.txt", b"y" * 900)]), "wizard_goto_step": "supporting"}
    )
    assert response.status_code == 200
    Draft.objects.create(
        user=partner_user,
        wizard="wizard_azure_incident_wizard",
        upload_bytes=900,  # ...but another draft holding 900 bytes leaves no room for 200
        state={},
    )
    partner_client.post(URL, supporting_data())
    response = partner_client.post(URL, attach_data([log("c.txt", b"z" * 200)]))

    assert response.status_code == 400
    assert "limit of 1000" in response.content.decode()
    assert response.context["wizard"]["steps"].current == "attach"
    assert not Incident.objects.exists()
    assert [p.read_bytes() for p in draft_files(settings)] == [b"y" * 900]


def test_a_draft_is_listed_on_home_and_manage_and_discarded_with_its_files(
    partner_client, partner_user, catalogue, settings
):
    walk_to_attach(partner_client, catalogue["mail"])
    back_from_attach(partner_client, log())
    draft = Draft.objects.get()
    for page in (reverse("home"), reverse("incidents:manage_list")):
        html = partner_client.get(page).content.decode()
        assert 'data-testid="drafts"' in html
        assert "Submit Office 365 incident online" in html
        assert f'href="{URL}"' in html
        assert reverse("drafts:discard", args=[draft.pk]) in html

    response = partner_client.post(
        reverse("drafts:discard", args=[draft.pk]), {"next": reverse("incidents:manage_list")}
    )

    assert response.status_code == 302 and response.url == reverse("incidents:manage_list")
    assert not Draft.objects.exists()
    assert draft_files(settings) == []
    assert 'data-testid="drafts"' not in partner_client.get(reverse("home")).content.decode()
    # Started again: the first step, empty.
    response = partner_client.get(URL)
    assert response.context["wizard"]["steps"].current == "problem"
    assert not response.context["draft_resumed"]


def test_a_draft_is_private_to_its_user_even_within_the_partner(
    partner_client, partner_user, catalogue, settings
):
    walk_to_attach(partner_client, catalogue["mail"])
    draft = Draft.objects.get()
    colleague = make_user(partner_user.partner, username="colleague")
    client = new_client(colleague)

    assert client.post(reverse("drafts:discard", args=[draft.pk])).status_code == 404
    assert 'data-testid="drafts"' not in client.get(reverse("home")).content.decode()
    response = client.get(URL)
    assert response.context["wizard"]["steps"].current == "problem"
    assert Draft.objects.filter(pk=draft.pk).exists()
    # An unsafe "next" goes home instead.
    response = partner_client.post(
        reverse("drafts:discard", args=[draft.pk]), {"next": "https://evil.example/"}
    )
    assert response.url == reverse("home")


def test_an_expired_draft_is_not_resumed_and_is_purged_with_its_files(
    partner_client, partner_user, catalogue, settings
):
    walk_to_attach(partner_client, catalogue["mail"])
    back_from_attach(partner_client, PNG_file())
    Draft.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert 'data-testid="drafts"' not in partner_client.get(reverse("home")).content.decode()

    result = purge_expired_drafts()

    assert result["drafts"] == 1 and result["files"] == 1
    assert not Draft.objects.exists()
    assert draft_files(settings) == []


def test_a_draft_expires_after_the_configured_days(partner_client, catalogue, settings):
    settings.DRAFT_MAX_AGE_DAYS = 3
    partner_client.get(URL)
    partner_client.post(URL, problem_data(catalogue["mail"]))
    draft = Draft.objects.get()
    assert dt.timedelta(days=3) - (draft.expires_at - timezone.now()) < dt.timedelta(minutes=1)


def test_purge_removes_orphaned_files_but_not_young_or_referenced_ones(
    partner_client, catalogue, settings
):
    walk_to_attach(partner_client, catalogue["mail"])
    back_from_attach(partner_client, log())
    kept = draft_files(settings)
    folder = Path(settings.MEDIA_ROOT) / "drafts" / "999"
    folder.mkdir(parents=True)
    old, young = folder / "old.txt", folder / "young.txt"
    old.write_bytes(b"left by a worker killed half-way")
    young.write_bytes(b"being saved right now")
    week_ago = (timezone.now() - dt.timedelta(days=7)).timestamp()
    os.utime(old, (week_ago, week_ago))
    for path in kept:
        os.utime(path, (week_ago, week_ago))

    # An attachment file whose row was never committed (a worker killed mid-submit).
    attachments = Path(settings.MEDIA_ROOT) / "attachments" / "2026" / "01"
    attachments.mkdir(parents=True)
    lost = attachments / "lost.png"
    lost.write_bytes(PNG)
    os.utime(lost, (week_ago, week_ago))

    call_command("purge_drafts")

    assert not old.exists() and young.exists()
    assert all(p.exists() for p in kept)
    assert not lost.exists()


def PNG_file():
    return SimpleUploadedFile("screen.png", PNG, content_type="image/png")


def test_starting_over_from_the_resumed_wizard(partner_client, partner_user, catalogue):
    partner_client.get(URL)
    partner_client.post(URL, problem_data(catalogue["mail"]))
    response = partner_client.get(URL)
    assert response.context["draft_resumed"]
    draft = Draft.objects.get()
    html = response.content.decode()
    assert reverse("drafts:discard", args=[draft.pk]) in html and "Start over" in html

    response = partner_client.post(reverse("drafts:discard", args=[draft.pk]), {"next": URL})

    assert response.url == URL
    assert partner_client.get(URL).context["wizard"]["steps"].current == "problem"
    assert STEP == f"{P}-current_step"


def test_leaving_a_step_saves_what_was_typed_without_validating_it(
    partner_client, partner_user, catalogue
):
    partner_client.get(URL)
    partner_client.post(URL, problem_data(catalogue["mail"]))
    typed = {STEP: "description", "description-title": "Half typed", "wizard_save_draft": "1"}

    response = partner_client.post(URL, typed)

    assert response.status_code == 204
    response = new_client(partner_user).get(URL)
    assert response.context["wizard"]["steps"].current == "description"
    form = response.context["form"]
    assert form["title"].value() == "Half typed"
    assert not form.errors  # shown as typed, without "required" errors yet
    assert not Incident.objects.exists()


def test_a_save_for_a_forged_step_is_refused(partner_client, catalogue):
    partner_client.get(URL)
    partner_client.post(URL, problem_data(catalogue["mail"]))
    response = partner_client.post(URL, {STEP: "nonsense", "wizard_save_draft": "1"})
    assert response.status_code == 400


def test_the_storage_works_on_a_copy_and_writes_only_a_change(db, django_assert_num_queries):
    from django.test import RequestFactory

    from drafts.storage import DraftStorage

    user = make_user()
    state = {
        "step": "description",
        "step_data": {"problem": {"problem-issue_type": ["7"]}},
        "step_files": {"problem": {}},
        "extra_data": {"submission_key": "k"},
    }
    Draft.objects.create(
        user=user,
        wizard="wizard_w",
        state=state,
        current_step="description",
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    request = RequestFactory().post("/")
    request.user = user
    storage = DraftStorage("w", request)
    assert storage.data == state
    with django_assert_num_queries(0):
        storage.save()  # nothing changed: no write
    storage.data["step_data"]["problem"]["problem-issue_type"] = ["8"]
    assert storage.draft.state["step_data"]["problem"] == {"problem-issue_type": ["7"]}
    with django_assert_num_queries(1):
        storage.save()
    saved = Draft.objects.get(user=user, wizard="wizard_w").state
    assert saved["step_data"]["problem"] == {"problem-issue_type": ["8"]}


def test_the_draft_is_read_in_one_query_as_the_orm_reads_it(db, django_assert_num_queries):
    """The storage's compiled read (drafts.storage._read_draft) builds the row the ORM
    builds, for its own user and wizard only, and reads it afresh each time."""
    from drafts.storage import _read_draft

    user, other = make_user(), make_user()
    expires = timezone.now() + dt.timedelta(days=1)
    mine = Draft.objects.create(
        user=user, wizard="wizard_w", state={"step": "a", "n": [1, "é"]}, expires_at=expires
    )
    Draft.objects.create(user=user, wizard="wizard_v", state={"step": "b"}, expires_at=expires)
    Draft.objects.create(user=other, wizard="wizard_w", state={"step": "c"}, expires_at=expires)

    with django_assert_num_queries(1):
        read = _read_draft(user.pk, "wizard_w")
    orm = Draft.objects.get(pk=mine.pk)
    fields = [f.attname for f in Draft._meta.concrete_fields]
    assert [getattr(read, f) for f in fields] == [getattr(orm, f) for f in fields]
    assert (read._state.adding, read._state.db) == (False, orm._state.db)
    assert _read_draft(other.pk, "wizard_w").state == {"step": "c"}
    assert _read_draft(other.pk, "wizard_v") is None

    Draft.objects.filter(pk=mine.pk).update(state={"step": "z"})
    assert _read_draft(user.pk, "wizard_w").state == {"step": "z"}


def test_the_draft_is_saved_by_the_statement_bulk_create_runs(db, django_assert_num_queries):
    """drafts.storage._upsert_draft: bulk_create's upsert (same SQL, same prepared values),
    compiled once; a first save inserts, a later one updates only what a save changes."""
    from drafts import storage

    user = make_user()
    now = timezone.now()
    expires = now + dt.timedelta(days=1)
    first = Draft(
        user=user,
        wizard="wizard_w",
        state={"n": [1, "é"]},
        created_at=now,
        updated_at=now,
        expires_at=expires,
        url="/a",
        view="v.A",
        current_step="one",
    )
    sql, params, fields = storage._upsert_query("default", first)
    compiled_sql, compiled_fields = storage._compile_upsert("default", first)
    assert (compiled_sql, list(compiled_fields)) == (sql, fields)
    from django.db import connection

    mine = [f.get_db_prep_save(f.pre_save(first, True), connection) for f in fields]
    assert [repr(p) for p in mine] == [repr(p) for p in params]

    with django_assert_num_queries(1):
        storage._upsert_draft(first)
    later = now + dt.timedelta(minutes=5)
    second = Draft(
        user=user,
        wizard="wizard_w",
        state={"n": 2},
        created_at=later,
        updated_at=later,
        expires_at=expires,
        url="/b",
        view="v.B",
        current_step="two",
    )
    with django_assert_num_queries(1):
        storage._upsert_draft(second)

    saved = Draft.objects.get(user=user, wizard="wizard_w")
    assert (saved.state, saved.current_step, saved.url, saved.view, saved.updated_at) == (
        {"n": 2},
        "two",
        "/b",
        "v.B",
        later,
    )
    assert saved.created_at == now  # kept from the first save
    assert Draft.objects.filter(user=user).count() == 1
