"""The queue page's rows query: compiled once, and reading what the ORM reads."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from incidents.models import Incident
from incidents.views import queue as queue_view
from incidents.views.queue import rows_by_ids
from incidents.views.queue_render import ENTRY_COLUMNS
from tests.builders import make_engineer, make_product
from tests.incidents.test_workflow_builders import make_incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed(partner_user):
    """Rows with and without an owner, a product, a due time and a first response."""
    owner = make_engineer("owner")
    product = make_product("Exchange Server")
    product.name_hu = "Exchange-kiszolgáló"
    product.save()
    made = [make_incident(partner_user, title=f"Issue {i}") for i in range(4)]
    Incident.objects.filter(pk=made[0].pk).update(
        owner=owner, product=product, severity="A", is_24x7=True
    )
    Incident.objects.filter(pk=made[1].pk).update(
        product=None, first_response_at=timezone.now() - dt.timedelta(minutes=5)
    )
    Incident.objects.filter(pk=made[2].pk).update(response_due_at=None)
    return made


def test_it_reads_the_same_values_as_the_orm(mixed):
    ids = Incident.objects.order_by("pk").values("pk")[:3]
    expected = Incident.objects.filter(pk__in=ids).values_list(*ENTRY_COLUMNS)
    assert sorted(rows_by_ids(ids)) == sorted(expected)
    row = next(r for r in rows_by_ids(ids) if r[0] == mixed[0].pk)
    assert row[5] is True  # a boolean, on every database
    assert isinstance(row[6], dt.datetime) and timezone.is_aware(row[6])


def test_it_is_one_query_with_the_ids_as_a_subquery(mixed):
    ids = Incident.objects.filter(status__in=["submitted"]).order_by("-pk").values("pk")[:2]
    with CaptureQueriesContext(connection) as ctx:
        rows = rows_by_ids(ids)
    assert len(ctx.captured_queries) == 1
    assert "LIMIT 2" in ctx.captured_queries[0]["sql"]
    assert sorted(row[0] for row in rows) == sorted(i.pk for i in mixed[-2:])


def test_no_ids_read_nothing(mixed):
    with CaptureQueriesContext(connection) as ctx:
        assert rows_by_ids(Incident.objects.none().values("pk")) == []
        assert rows_by_ids(Incident.objects.filter(pk__lt=0).values("pk")) == []
    assert len(ctx.captured_queries) == 1  # none() never reaches the database


def test_the_rows_query_is_compiled_once_per_connection(mixed, monkeypatch):
    rows_by_ids(Incident.objects.values("pk")[:1])
    compiled = []
    original = queue_view._RowsQuery.__init__

    def counting(self, conn):
        compiled.append(conn)
        original(self, conn)

    monkeypatch.setattr(queue_view._RowsQuery, "__init__", counting)
    for _ in range(3):
        rows_by_ids(Incident.objects.values("pk")[:2])
    assert compiled == []
