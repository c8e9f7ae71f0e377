"""A new incident's INSERT, compiled once (incidents.first_rows.insert_incident): the
same row, returned values and signals as ``Model.save(force_insert=True)``."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from incidents import first_rows
from incidents.first_rows import insert_incident
from incidents.models import Incident, Status
from incidents.services import _key_and_number_in_insert, incident_number
from tests.builders import make_partner, make_user


def new_incident(user, now=None, **fields) -> Incident:
    now = now or timezone.now()
    values = {
        "channel": "office365",
        "partner_id": user.partner_id,
        "submitted_by": user,
        "title": "Mail flow stopped",
        "description": "No mail since 9:00",
        "facts": {"country": "HU"},
        "severity": "B",
        "contact_name": "Anna",
        "contact_email": "anna@example.com",
        "status": Status.SUBMITTED,
        "created_at": now,
        "response_due_at": now,
        **_key_and_number_in_insert(now),
    }
    values.update(fields)
    return Incident(**values)


def concrete(incident: Incident) -> dict:
    skip = {"id", "number", "search_vector", "updated_at"}
    return {
        f.attname: getattr(incident, f.attname)
        for f in Incident._meta.concrete_fields
        if f.attname not in skip
    }


@pytest.fixture
def user(db):
    return make_user(make_partner())


def test_the_compiled_insert_writes_the_row_the_orm_writes(user):
    now = timezone.now()
    by_orm = new_incident(user, now)
    by_orm.save(force_insert=True)
    compiled = new_incident(user, now, title="Another title")

    insert_incident(compiled)

    assert compiled.pk and compiled._state.adding is False and compiled._state.db == "default"
    stored = Incident.objects.get(pk=compiled.pk)
    expected = concrete(Incident.objects.get(pk=by_orm.pk)) | {"title": "Another title"}
    assert concrete(stored) == expected
    assert stored.updated_at is not None


def test_the_key_and_number_come_back_from_the_insert(user):
    incident = new_incident(user)

    insert_incident(incident)

    if _key_and_number_in_insert(incident.created_at):
        assert incident.number == incident_number(incident)  # no UPDATE needed
    assert Incident.objects.get(number=incident.number).pk == incident.pk


def test_the_second_insert_runs_the_statement_compiled_by_the_first(user):
    insert_incident(new_incident(user))
    assert any(v is not False for v in first_rows._COMPILED_INSERT.values())

    with CaptureQueriesContext(connection) as ctx:
        insert_incident(new_incident(user))

    assert len(ctx.captured_queries) == 1
    assert ctx.captured_queries[0]["sql"].startswith("INSERT INTO")


def test_it_sends_the_save_signals_as_save_does(user):
    seen = []

    def pre(sender, instance, **kwargs):
        seen.append(("pre", instance.pk is None or not isinstance(instance.pk, int)))

    def post(sender, instance, created, **kwargs):
        seen.append(("post", created, isinstance(instance.pk, int)))

    pre_save.connect(pre, sender=Incident)
    post_save.connect(post, sender=Incident)
    try:
        insert_incident(new_incident(user))
    finally:
        pre_save.disconnect(pre, sender=Incident)
        post_save.disconnect(post, sender=Incident)

    assert seen == [("pre", True), ("post", True, True)]


def test_a_new_incident_forgets_the_kept_queue_pages(user):
    from django.core.cache import cache

    from incidents.views.queue import PAGES_VERSION_KEY
    from portal.lib.caching import generation

    generation(PAGES_VERSION_KEY)
    assert cache.get(PAGES_VERSION_KEY) is not None

    insert_incident(new_incident(user))

    assert cache.get(PAGES_VERSION_KEY) is None


def test_a_shape_it_cannot_take_apart_falls_back_to_the_orm(user, monkeypatch):
    monkeypatch.setattr(first_rows, "_COMPILED_INSERT", {})
    monkeypatch.setattr(first_rows, "_compile_insert", lambda *args: False)
    incident = new_incident(user)

    insert_incident(incident)

    assert Incident.objects.filter(pk=incident.pk).exists()
    assert incident._state.adding is False


def test_a_rows_insert_compiled_once_is_the_one_django_compiles(db):
    from notifications.models import OutgoingEmail

    email = OutgoingEmail(
        to=["anna@example.com"],
        from_email="portal@example.com",
        subject="S",
        text="T",
        message_id="<1@example.com>",
    )
    fields = [f for f in OutgoingEmail._meta.local_concrete_fields if not f.primary_key]
    expected = first_rows._compiled_row(email, fields)

    first = first_rows._insert(email)
    again = first_rows._insert(email)

    assert first[0] == again[0] == expected[0]
    assert len(again[1]) == len(expected[1])
    for ours, djangos in zip(again[1], expected[1], strict=True):
        assert getattr(ours, "obj", ours) == getattr(djangos, "obj", djangos)  # Jsonb wraps
    assert (OutgoingEmail, connection.alias) in first_rows._COMPILED_ROW_SQL
