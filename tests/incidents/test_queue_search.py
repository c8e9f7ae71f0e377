"""The queue's search finds an incident by whatever an engineer remembers (issue 18).

Runs on SQLite (icontains) and on PostgreSQL (full-text with prefixes, trigram number).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from incidents import search, workflow
from incidents.models import Incident
from partners.models import Customer
from tests.builders import make_partner, make_user
from tests.conftest import is_postgres
from tests.incidents.test_workflow_builders import make_incident

QUEUE = reverse("incidents:queue")


@pytest.fixture
def target(partner_user):
    customer = Customer.objects.create(name="Tailspin Toys", tenant_domain="tailspin.example")
    make_incident(partner_user, title="Printer offline in Szeged", description="Toner empty")
    incident = make_incident(
        partner_user,
        title="SharePoint search returns nothing",
        description="Since the migration the crawler skips every library.",
        customer=customer,
        contact_name="Zsófia Kertész",
        contact_email="zsofia@fabrikam.example",
    )
    return incident


def found(client, text, **extra):
    response = client.get(QUEUE, {"q": text, "status": "", **extra})
    assert response.status_code == 200
    return [row.number for row in response.context["page"].rows]


@pytest.mark.parametrize(
    "text",
    [
        "SharePoint",
        "sharepoint crawler",  # words from the title and the description
        "Sharep",  # a prefix
        "Tailspin",  # the customer
        "zsofia@fabrikam.example",  # the contact's e-mail
        "Kertész",
    ],
)
def test_a_search_finds_the_incident_by_its_text_and_people(engineer_client, target, text):
    assert found(engineer_client, text) == [target.number]


def test_any_part_of_the_number_finds_it(engineer_client, target):
    tail = target.number[-6:]  # e.g. "000002"
    assert target.number in found(engineer_client, tail)
    assert found(engineer_client, target.number.lower()) == [target.number]


def test_the_partner_name_and_id_find_its_incidents(engineer_client, target, partner_user):
    other = make_incident(make_user(make_partner("Northwind Traders")), title="Other partner")
    partner = partner_user.partner
    by_name = found(engineer_client, partner.name.split()[0])
    assert target.number in by_name and other.number not in by_name
    assert target.number in found(engineer_client, partner.partner_number)
    assert found(engineer_client, "Northwind") == [other.number]


def test_a_message_in_the_thread_finds_it(engineer_client, target, engineer):
    workflow.take(target, engineer=engineer)
    workflow.reply(target, engineer=engineer, body="Please reindex the kangaroo library")
    assert found(engineer_client, "kangaroo") == [target.number]


def test_a_contact_added_later_finds_it(engineer_client, target, partner_user, engineer):
    colleague = make_user(partner_user.partner, first_name="Bartholomew", last_name="Quist")
    workflow.take(target, engineer=engineer)
    workflow.add_contact(target, user=colleague, actor=engineer)
    assert found(engineer_client, "Quist") == [target.number]


def test_nothing_unrelated_is_found_and_odd_input_is_harmless(engineer_client, target):
    assert found(engineer_client, "kangaroo") == []
    for text in ("'", "a & b | !c", "):*", "%", "_", "\\"):
        found(engineer_client, text)


def test_search_combines_with_the_other_filters(engineer_client, target):
    assert found(engineer_client, "SharePoint", severity="A") == []
    assert found(engineer_client, "SharePoint", severity=target.severity) == [target.number]


def test_the_best_match_comes_first(engineer_client, partner_user, target):
    make_incident(partner_user, title="Outlook", description="SharePoint link in a mail")
    assert found(engineer_client, "SharePoint")[0] == target.number


def test_a_search_runs_as_many_queries_as_the_plain_queue(engineer_client, target):
    with CaptureQueriesContext(connection) as plain:
        engineer_client.get(QUEUE)
    with CaptureQueriesContext(connection) as searched:
        engineer_client.get(QUEUE, {"q": "SharePoint"})
    assert len(searched) <= len(plain)


@pytest.mark.skipif(not is_postgres(), reason="PostgreSQL full-text search")
def test_postgres_keeps_a_search_vector_and_matches_it(target):
    target.refresh_from_db()
    assert "sharepoint" in str(target.search_vector).lower()
    target.title = "Teams meeting drops"
    target.save()
    assert Incident.objects.search("Teams").filter(pk=target.pk).exists()
    assert not Incident.objects.search("SharePoint crawler").exclude(pk=target.pk).exists()


def test_the_tenant_domain_and_a_full_name_find_it(engineer_client, target, partner_user):
    assert found(engineer_client, "tailspin.example") == [target.number]
    full_name = f"{partner_user.first_name} {partner_user.last_name}"
    assert target.number in found(engineer_client, full_name)


@pytest.fixture(params=[search.PART_LIMIT, 0], ids=["parts-read-more", "parts-read-limit+1"])
def small_limit(request, monkeypatch):
    # Each source reads at least LIMIT + 1 of its most recent matches: more (the
    # default, for the planner) or exactly that, the rules below hold either way.
    monkeypatch.setattr(search, "LIMIT", 3)
    monkeypatch.setattr(search, "PART_LIMIT", request.param)
    return 3


def test_the_two_hundred_most_recent_matches_are_ranked_and_the_notice_says_so():
    assert search.LIMIT == 200 and search.PART_LIMIT >= search.LIMIT + 1
    assert search.too_many_matches(200) == ""
    assert search.too_many_matches(201).startswith(
        "More than 200 incidents match; the 200 most recent are shown, best first."
    )


def test_only_the_most_recent_matches_are_ranked_and_the_page_says_so(
    engineer_client, partner_user, small_limit
):
    made = [make_incident(partner_user, title=f"Kangaroo sync {i}") for i in range(5)]
    response = engineer_client.get(QUEUE, {"q": "kangaroo", "status": ""})
    shown = [row.number for row in response.context["page"].rows]
    assert sorted(shown) == sorted(i.number for i in made[-small_limit:])
    assert response.context["page"].next_cursor is None
    notice = response.context["page"].notice
    assert "More than 3 incidents match" in notice
    assert notice in response.content.decode()


def test_no_notice_when_every_match_is_ranked(engineer_client, partner_user, small_limit):
    for i in range(small_limit):
        make_incident(partner_user, title=f"Kangaroo sync {i}")
    response = engineer_client.get(QUEUE, {"q": "kangaroo", "status": ""})
    assert len(response.context["page"].rows) == small_limit
    assert response.context["page"].notice == ""
    assert 'data-testid="search-notice"' not in response.content.decode()


def test_the_filters_narrow_the_matches_before_the_limit(
    engineer_client, partner_user, small_limit
):
    older = make_incident(partner_user, title="Kangaroo sync", severity="A")
    for _ in range(small_limit + 1):
        make_incident(partner_user, title="Kangaroo sync", severity="C")
    assert found(engineer_client, "kangaroo", severity="A") == [older.number]
    assert older.number not in found(engineer_client, "kangaroo")  # not among the 3 most recent


def test_the_notice_is_translated(engineer_client, partner_user, small_limit):
    for _ in range(small_limit + 1):
        make_incident(partner_user, title="Kangaroo sync")
    with translation.override("hu"):
        text = search.too_many_matches(small_limit + 1)
    assert text and "More than" not in text
    assert search.too_many_matches(small_limit) == ""


def test_pages_of_a_search_stop_at_the_limit(engineer_client, partner_user, monkeypatch):
    monkeypatch.setattr(search, "LIMIT", 30)
    for i in range(32):
        make_incident(partner_user, title=f"Kangaroo sync {i}")
    first = engineer_client.get(QUEUE, {"q": "kangaroo", "status": ""}).context["page"]
    assert len(first.rows) == 25 and first.next_cursor == "r25"
    second = engineer_client.get(QUEUE, {"q": "kangaroo", "status": "", "after": "r25"})
    page = second.context["page"]
    assert len(page.rows) == 5 and page.next_cursor is None
    assert not {r.number for r in page.rows} & {r.number for r in first.rows}


@pytest.mark.skipif(not is_postgres(), reason="PostgreSQL trigram indexes")
def test_postgres_reads_names_through_their_trigram_indexes(target):
    from django.db import transaction

    from incidents.search import _pg_candidates

    sql, params = _pg_candidates(Incident.objects.all(), ["Kertész"], "KERTÉSZ").as_sql(None, None)
    with transaction.atomic(), connection.cursor() as cursor:
        # A tiny table is read whole; ask what the indexes can do (as test_queue_plan).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        # Statistics of these rows, not of whatever earlier tests left (autoanalyze of a
        # table other tests filled and emptied changes the join order and the plan).
        cursor.execute("ANALYZE partners_user, partners_partner, partners_customer")
        # Nor may it start from a table the statistics call tiny (the contacts) and look
        # each user up by key: every names table is read through its own index.
        cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for index in (
        "user_search_upper_trgm_idx",
        "customer_search_upper_trgm_idx",
        "partner_name_upper_trgm_idx",
        "incident_number_trgm_idx",
        "incident_search_idx",
    ):
        assert index in plan, plan


def test_search_keeps_the_access_rule_of_the_queryset(target, partner_user):
    stranger = make_user(make_partner("Northwind Traders"))
    other = make_incident(stranger, title="SharePoint search returns nothing")
    mine = Incident.objects.visible_to(partner_user).search("SharePoint")
    theirs = Incident.objects.visible_to(stranger).search("SharePoint")
    assert list(mine.values_list("number", flat=True)) == [target.number]
    assert list(theirs.values_list("number", flat=True)) == [other.number]


@pytest.mark.skipif(not is_postgres(), reason="PostgreSQL triggers keep the thread's words")
def test_postgres_keeps_the_threads_words_in_the_incidents_vector(target, engineer):
    from incidents.models import Message

    def finds(word):
        return Incident.objects.search(word).filter(pk=target.pk).exists()

    workflow.take(target, engineer=engineer)
    workflow.reply(target, engineer=engineer, body="Please reindex the kangaroo library")
    assert finds("kangaroo") and finds("kanga")  # whole word and prefix
    message = Message.objects.get(incident=target, body__contains="kangaroo")
    Message.objects.filter(pk=message.pk).update(body="Please reindex the wombat library")
    assert finds("wombat") and not finds("kangaroo")
    Message.objects.bulk_create(
        [Message(incident=target, author=engineer, body=f"platypus {i}") for i in range(3)]
    )
    assert finds("platypus")
    Message.objects.filter(incident=target).delete()
    assert not finds("wombat") and not finds("platypus") and finds("SharePoint")


def test_searching_nothing_finds_nothing(target, client):
    assert not Incident.objects.none().search("SharePoint").exists()
    anonymous = client.get(QUEUE).wsgi_request.user
    assert not Incident.objects.visible_to(anonymous).search("SharePoint").exists()


def test_the_page_lists_the_searched_incidents_best_first(engineer_client, partner_user):
    """The page's order is the rank of Incident.objects.search (the same rule), then due time."""
    made = [
        make_incident(partner_user, title="Kangaroo kangaroo kangaroo sync"),
        make_incident(partner_user, title="Mail sync", description="A kangaroo in the log"),
        make_incident(partner_user, title="Kangaroo sync"),
        make_incident(partner_user, title="Kangaroo export", description="kangaroo again"),
    ]
    Incident.objects.filter(pk=made[2].pk).update(response_due_at=None)
    ranked = Incident.objects.search("kangaroo")
    expected = [
        number
        for *_, number in sorted(
            (-rank, due is None, due, pk, number)
            for pk, number, rank, due in ranked.values_list(
                "pk", "number", "rank", "response_due_at"
            )
        )
    ]
    assert len(expected) == len(made)
    assert found(engineer_client, "kangaroo") == expected
    pages = [
        search.best_matches(
            Incident.objects.all(), "kangaroo", columns=("number",), offset=offset, size=2
        )
        for offset in (0, 2)
    ]
    assert [[number for (number,) in rows] for rows, *_ in pages] == [expected[:2], expected[2:]]
    assert [more for _, more, _ in pages] == [True, False]


def test_the_page_shows_plain_values_not_models(engineer_client, target):
    from incidents.views.queue_render import QueueEntry

    rows = engineer_client.get(QUEUE, {"q": "SharePoint"}).context["page"].rows
    assert [type(row) for row in rows] == [QueueEntry]


def test_a_filter_through_a_join_still_narrows_the_matches(partner_user, target):
    stranger = make_user(make_partner("Northwind Traders"))
    other = make_incident(stranger, title="SharePoint search returns nothing")
    joined = Incident.objects.filter(partner__name="Northwind Traders")
    rows, more, matches = search.best_matches(
        joined, "SharePoint", columns=("number",), offset=0, size=25
    )
    assert rows == [(other.number,)] and not more and matches == 1
    rows, *_ = search.best_matches(
        Incident.objects.all(), "SharePoint", columns=("number",), offset=0, size=25
    )
    assert sorted(rows) == sorted([(other.number,), (target.number,)])


def test_a_search_of_punctuation_only_lists_what_the_queryset_search_does(engineer_client, target):
    expected = set(Incident.objects.search("'&").values_list("number", flat=True))
    assert len(expected) == 2  # no word left: nothing is filtered out
    assert set(found(engineer_client, "'&")) == expected
