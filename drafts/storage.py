"""A formtools storage that keeps each user's wizard state in a :class:`Draft`.

Every step is saved server-side as the user goes: the state is loaded from the
database when a request starts and written back when it ends (only if it
changed). Files go to the default storage (``STORAGES["default"]``) under
generated names; a step's new files replace (and delete) the old ones at once,
and a draft's files are deleted when the wizard finishes or the draft is
discarded or expires. Anonymous requests fall back to the session.
"""

from __future__ import annotations

import json

from django.db import connections, router
from django.db.models import AutoField
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery
from django.utils import timezone
from formtools.wizard.storage.base import BaseStorage

from portal.lib.compiled import CompiledSelect, compiled_once

from .models import Draft, draft_expiry, state_file_bytes, state_file_names
from .services import check_upload_quota, delete_files, discard_draft, draft_file_name


class DraftStorage(BaseStorage):
    def __init__(self, prefix, request=None, file_storage=None):
        super().__init__(prefix, request, file_storage)
        user = getattr(request, "user", None)
        self.user = user if user is not None and user.is_authenticated else None
        self.draft: Draft | None = None
        self.quota_refused = False
        self._released = False  # the row is deleted by the caller's transaction (release())
        self._replaced: list[str] = []  # deleted once the new state is saved
        self._written: list[str] = []  # deleted if the new state cannot be saved
        if self.user is None:
            if self.prefix not in request.session:
                self.init_data()
            return
        draft = _read_draft(self.user.pk, self.prefix)
        if draft is not None and draft.expires_at <= timezone.now():
            discard_draft(draft)
            draft = None
        self.draft = draft
        # What was saved, as text (to tell a change at the end), and a copy of it to work
        # on: decoding the text is a fraction of copy.deepcopy of the state (issue 21).
        self._saved = _dump(draft.state) if draft else None
        self._data = json.loads(self._saved) if draft else None
        if not self._data:
            self.init_data()

    # --- where the state lives ----------------------------------------------
    def _get_data(self):
        if self.user is None:
            self.request.session.modified = True
            return self.request.session[self.prefix]
        return self._data

    def _set_data(self, value):
        if self.user is None:
            self.request.session[self.prefix] = value
            self.request.session.modified = True
        else:
            self._data = value

    data = property(_get_data, _set_data)

    @property
    def resumable(self) -> bool:
        """A saved draft with answers: GET resumes it instead of starting over."""
        return self.draft is not None and self.has_content()

    def release(self) -> int | None:
        """The saved draft's id, for a final submit that deletes the row inside its own
        transaction (the incident and the end of its draft commit together, one statement
        fewer); this storage then deletes no row when the request ends. The caller must
        delete it whenever its submit succeeds. None: nothing saved to hand over."""
        if self.draft is None or self.draft.pk is None:
            return None
        self._released = True
        return self.draft.pk

    def has_content(self) -> bool:
        return bool(self.data[self.step_data_key]) or any(self.data[self.step_files_key].values())

    def set_step_data(self, step, cleaned_data):
        # The CSRF token is no answer: it is not kept with the draft.
        if cleaned_data is not None and "csrfmiddlewaretoken" in cleaned_data:
            cleaned_data = cleaned_data.copy()
            cleaned_data.pop("csrfmiddlewaretoken")
        super().set_step_data(step, cleaned_data)

    # --- files ------------------------------------------------------------
    def get_step_files(self, step):
        step_files = self.data[self.step_files_key].get(step) or {}
        missing = [
            field
            for field, info in step_files.items()
            if (step, field) not in self._files and not self.file_storage.exists(info["tmp_name"])
        ]
        for field in missing:  # deleted under us (expired, discarded elsewhere): forget it
            del step_files[field]
        return super().get_step_files(step)

    def set_step_files(self, step, files):
        if not files:
            self.data[self.step_files_key].setdefault(step, {})
            return
        if self.quota_refused:
            return  # refused once in this request: the form shows why
        old = self.data[self.step_files_key].get(step) or {}
        if self.user is not None:
            incoming = sum(upload.size or 0 for upload in files.values())
            kept = {s: f for s, f in self.data[self.step_files_key].items() if s != step}
            try:
                check_upload_quota(
                    self.user,
                    incoming=incoming,
                    held_here=state_file_bytes({"step_files": kept}),
                    draft_pk=self.draft.pk if self.draft else None,
                )
            except Exception:
                self.quota_refused = True
                raise
        # New files replace what this step held.
        self._replaced.extend(info["tmp_name"] for info in old.values() if info.get("tmp_name"))
        for key in [k for k in self._files if k[0] == step]:
            self._files.pop(key).close()
        self.data[self.step_files_key][step] = {}
        owner = self.user or _Anonymous
        for field, upload in files.items():
            upload.seek(0)
            name = self.file_storage.save(draft_file_name(owner, upload.name), upload)
            self._written.append(name)
            self.data[self.step_files_key][step][field] = {
                "tmp_name": name,
                "name": upload.name,
                "content_type": upload.content_type,
                "size": upload.size,
                "charset": upload.charset,
            }

    def reset(self):
        self._replaced.extend(state_file_names(self.data))
        self.init_data()

    # --- end of the request: save ---------------------------------------------
    def update_response(self, response):
        try:
            self.save()
        except Exception:
            delete_files(self._written, self.file_storage)
            raise
        super().update_response(response)  # closes the opened files after rendering
        delete_files([n for n in self._replaced if n not in self._live_names()], self.file_storage)

    def _live_names(self) -> set[str]:
        return set(state_file_names(self.data))

    def save(self) -> None:
        if self.user is None:
            return
        if not self.has_content():
            if self.draft is not None and not self._released:
                Draft.objects.filter(pk=self.draft.pk).delete_rows()
            if self.draft is not None:
                self.draft = None
            return
        dumped = _dump(self._data)
        if self.draft is not None and dumped == self._saved:
            return
        now = timezone.now()
        fields = {
            "state": self._data,
            "current_step": self._data.get(self.step_key) or "",
            "upload_bytes": state_file_bytes(self._data),
            "updated_at": now,
            "expires_at": draft_expiry(now),
            "url": self.request.path[:200],
            "view": getattr(self.request, "wizard_view_path", "")[:200],
        }
        # One upsert (INSERT ... ON CONFLICT UPDATE): no read, no race between two tabs.
        _upsert_draft(Draft(user=self.user, wizard=self.prefix, created_at=now, **fields))
        self.draft = self.draft or Draft(user=self.user, wizard=self.prefix, **fields)
        self._saved = dumped


def _draft_query(user_pk, wizard):
    # One row at most (unique per user and wizard): no ORDER BY to plan or compile.
    return Draft.objects.filter(user_id=user_pk, wizard=wizard).order_by()[:1]


# Placeholders the draft's query is compiled with (see _read_draft).
_USER_SENTINEL = -918_273_646
_WIZARD_SENTINEL = "\x00wizard"


def _read_draft(user_pk, wizard) -> Draft | None:
    """The user's saved draft of this wizard, read afresh on every request; the SQL of
    :func:`_draft_query` is compiled once per database (≈ 0.15 ms of Python per request
    otherwise: :mod:`portal.lib.compiled`)."""
    db = router.db_for_read(Draft)
    compiled = compiled_once(
        ("drafts.read", db, connections[db].vendor),
        lambda: CompiledSelect.build(
            _draft_query(_USER_SENTINEL, _WIZARD_SENTINEL).using(db),
            user=_USER_SENTINEL,
            wizard=_WIZARD_SENTINEL,
        ),
    )
    if compiled is None:  # a shape it cannot take apart: the ORM, every time
        return next(iter(_draft_query(user_pk, wizard).using(db)), None)
    rows = compiled.run(db, user=user_pk, wizard=wizard)
    return rows[0] if rows else None


# What a save changes in an existing draft (the rest stays as first written).
UPSERT_FIELDS = ("state", "current_step", "upload_bytes", "updated_at", "expires_at", "url", "view")
_COMPILED_UPSERT: dict = {}


def _upsert_draft(draft: Draft) -> None:
    """``Draft.objects.bulk_create([draft], update_conflicts=True, unique_fields=["user",
    "wizard"], update_fields=UPSERT_FIELDS)``, the same single statement, its SQL compiled
    once per database (≈ 0.15 ms of Python per save otherwise); each value prepared as
    the insert compiler prepares it (``pre_save``, ``get_db_prep_save``)."""
    db = router.db_for_write(Draft)
    compiled = _COMPILED_UPSERT.get(db)
    if compiled is None:
        compiled = _COMPILED_UPSERT[db] = _compile_upsert(db, draft)
    if compiled is False:  # a shape it cannot take apart: the ORM, every time
        Draft.objects.using(db).bulk_create(
            [draft],
            update_conflicts=True,
            unique_fields=["user", "wizard"],
            update_fields=list(UPSERT_FIELDS),
        )
        return
    sql, fields = compiled
    connection = connections[db]
    params = [field.get_db_prep_save(field.pre_save(draft, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _upsert_query(db, draft: Draft) -> tuple[str, list, list]:
    """(SQL, parameters, fields) of bulk_create's upsert of one new ``draft``."""
    meta = Draft._meta
    fields = [f for f in meta.concrete_fields if not f.generated and not isinstance(f, AutoField)]
    query = InsertQuery(
        Draft,
        on_conflict=OnConflict.UPDATE,
        update_fields=[meta.get_field(name) for name in UPSERT_FIELDS],
        unique_fields=[meta.get_field("user"), meta.get_field("wizard")],
    )
    query.insert_values(fields, [draft])
    statements = query.get_compiler(db).as_sql()
    if len(statements) != 1:
        return "", [], fields
    sql, params = statements[0]
    return sql, list(params), fields


def _compile_upsert(db, draft: Draft):
    sql, params, fields = _upsert_query(db, draft)
    if (
        not sql
        or len(params) != len(fields)
        or sql.count("%s") != len(fields)
        or any(getattr(f, "get_placeholder_sql", None) for f in fields)
    ):
        return False
    return sql, tuple(fields)


class _Anonymous:
    pk = "anonymous"


def _dump(data) -> str:
    return json.dumps(data, sort_keys=True, default=str)
