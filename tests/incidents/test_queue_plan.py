"""The queue's sort is served by an index, so deep pages cost what the first page costs."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from incidents.models import OPEN_STATUSES, Incident, Status
from incidents.views.queue import encode_cursor, queue_page
from tests.builders import make_engineer, make_product
from tests.conftest import is_postgres


@pytest.fixture
def many(partner_user):
    """400 incidents straight into the table (the plan, not the workflow, is under test)."""
    product = make_product()
    owner = make_engineer("owner")
    now = timezone.now()
    rows = [
        Incident(
            number=f"SR-PLAN-{i:05d}",
            channel="azure",
            partner_id=partner_user.partner_id,
            submitted_by=partner_user,
            product=product,
            title=f"t{i}",
            description="d",
            severity="ABC"[i % 3],
            contact_name="x",
            contact_email="x@example.com",
            status=[Status.SUBMITTED, Status.CLOSED, Status.REJECTED][i % 3],
            owner=owner if i % 2 else None,
            response_due_at=None if i % 3 == 2 else now + dt.timedelta(minutes=i),
        )
        for i in range(400)
    ]
    Incident.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return owner


def explain(sql, params):
    with connection.cursor() as cursor:
        if is_postgres():
            # A tiny table would be read sequentially and sorted; ask what the indexes can do
            # (on the 100,000-row benchmark data the planner picks them on its own).
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(" ".join(str(col) for col in row) for row in cursor.fetchall())


def dated_query_plan(incidents, **kwargs):
    with CaptureQueriesContext(connection) as ctx:
        queue_page(incidents, **kwargs)
    sql = ctx.captured_queries[0]["sql"]
    return explain(sql, ())


def assert_index_serves_order(plan, index):
    assert index in plan, plan
    assert "Sort" not in plan and "TEMP B-TREE" not in plan.upper(), plan


@pytest.mark.parametrize("descending", [False, True])
def test_the_first_and_a_deep_page_both_read_the_due_index_in_order(many, descending):
    incidents = Incident.objects.select_related("partner", "product", "owner")
    order = ("-response_due_at", "-id") if descending else ("response_due_at", "id")
    deep = incidents.filter(response_due_at__isnull=False).order_by(*order)[200]
    for after in (None, encode_cursor(deep)):
        plan = dated_query_plan(incidents, after=after, descending=descending)
        assert_index_serves_order(plan, "incident_due_idx")


def test_the_owner_filter_reads_the_owner_due_index_in_order(many):
    incidents = Incident.objects.filter(owner=many)
    deep = incidents.filter(response_due_at__isnull=False).order_by("response_due_at", "id")[60]
    plan = dated_query_plan(incidents, after=encode_cursor(deep))
    assert_index_serves_order(plan, "incident_owner_due_idx")


@pytest.mark.skipif(not is_postgres(), reason="row-value index conditions: PostgreSQL plan")
def test_on_postgresql_the_cursor_is_an_index_condition_not_a_filter(many):
    incidents = Incident.objects.all()
    deep = incidents.filter(response_due_at__isnull=False).order_by("response_due_at", "id")[200]
    plan = dated_query_plan(incidents, after=encode_cursor(deep))
    assert "Index Cond" in plan and "ROW(response_due_at, id) >" in plan, plan


@pytest.mark.parametrize("descending", [False, True])
def test_the_open_queue_reads_the_partial_index_of_open_incidents_in_order(many, descending):
    incidents = Incident.objects.filter(status__in=OPEN_STATUSES).select_related(
        "partner", "product", "owner"
    )
    deep = incidents.order_by("response_due_at", "id")[50]
    for after in (None, encode_cursor(deep)):
        plan = dated_query_plan(incidents, after=after, descending=descending, undated=False)
        assert_index_serves_order(plan, "incident_open_due_idx")


def test_the_overdue_filter_reads_the_partial_index_of_open_incidents(many):
    now = timezone.now() + dt.timedelta(minutes=300)
    incidents = Incident.objects.awaiting_first_response().filter(
        severity="A", response_due_at__lt=now
    )
    plan = dated_query_plan(incidents, undated=False)
    assert_index_serves_order(plan, "incident_open_due_idx")


@pytest.mark.skipif(not is_postgres(), reason="the planner's choice on PostgreSQL")
def test_on_postgresql_a_deep_page_reads_its_ids_without_joins_then_the_rows_by_key(many):
    incidents = Incident.objects.filter(status__in=OPEN_STATUSES).select_related(
        "partner", "product", "owner"
    )
    deep = incidents.order_by("response_due_at", "id")[100]
    plan = dated_query_plan(incidents, after=encode_cursor(deep), undated=False)
    # The LIMIT sits on the index scan itself: only the page's ids are joined.
    limit = plan.index("Limit")
    assert "incident_open_due_idx" in plan[limit:], plan
    assert "incidents_incident_pkey" in plan, plan
