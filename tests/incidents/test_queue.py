"""The engineers' incident queue (SPEC §5): access, filters, keyset pagination, actions."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contracts.models import Platform, Product
from incidents import workflow
from incidents.models import HistoryEvent, Incident, IncidentContact, Message, Status
from incidents.views import queue as queue_view
from incidents.views.queue import decode_cursor, encode_cursor, queue_page
from tests.builders import (
    Tree,
    make_contract,
    make_engineer,
    make_partner,
    make_product,
    make_topic_path,
    make_user,
)
from tests.incidents.test_workflow_builders import make_incident, set_due

QUEUE = reverse("incidents:queue")


@pytest.fixture
def incident(partner_user):
    return make_incident(partner_user, title="SharePoint search is empty")


def action_url(incident, action):
    return reverse("incidents:queue_action", args=[incident.number, action])


def detail_url(incident):
    return reverse("incidents:queue_detail", args=[incident.number])


def listed(response):
    return [i.number for i in response.context["page"].rows]


def snapshot(incident):
    incident.refresh_from_db()
    return (
        incident.status,
        incident.owner_id,
        incident.first_response_at,
        incident.updated_at,
        Message.objects.filter(incident=incident).count(),
        IncidentContact.objects.filter(incident=incident).count(),
        HistoryEvent.objects.filter(incident=incident).count(),
    )


# --- access ------------------------------------------------------------------------


def test_a_partner_user_gets_403_on_the_queue(partner_client, incident):
    assert partner_client.get(QUEUE).status_code == 403


def test_a_partner_user_gets_404_on_queue_pages_and_actions_and_nothing_changes(
    partner_client, incident, partner_user
):
    before = snapshot(incident)
    assert partner_client.get(detail_url(incident)).status_code == 404
    for action, data in [
        ("take", {}),
        ("reply", {"body": "I am the engineer now"}),
        ("note", {"body": "x"}),
        ("status", {"transition": "start"}),
        ("reject", {"reject-reason": "spite"}),
        ("route", {"route-team": "billing", "route-reason": "x"}),
        ("contact-add", {"user": partner_user.pk}),
    ]:
        assert partner_client.post(action_url(incident, action), data).status_code == 404, action
    assert snapshot(incident) == before


def test_staff_who_are_not_engineers_get_403(client, staff):
    client.force_login(staff)
    assert client.get(QUEUE).status_code == 403


def test_the_queue_needs_a_log_in(client):
    response = client.get(QUEUE)
    assert response.status_code == 302


def test_actions_refuse_get(engineer_client, incident):
    assert engineer_client.get(action_url(incident, "take")).status_code == 405


def test_an_unknown_action_is_404(engineer_client, incident):
    assert engineer_client.post(action_url(incident, "delete")).status_code == 404


def test_an_unknown_number_is_404(engineer_client):
    assert engineer_client.get(reverse("incidents:queue_detail", args=["SR-0"])).status_code == 404


# --- list, filters and sorting -----------------------------------------------------


def test_the_queue_lists_open_incidents_by_response_due_time(engineer_client, partner_user):
    late = set_due(make_incident(partner_user, title="later"), minutes=300)
    soon = set_due(make_incident(partner_user, title="soon"), minutes=30)
    overdue = set_due(make_incident(partner_user, title="overdue"), minutes=-30)
    response = engineer_client.get(QUEUE)
    assert listed(response) == [overdue.number, soon.number, late.number]
    html = response.content.decode()
    assert "due-overdue" in html and "due-soon" in html


def test_the_queue_sorts_latest_due_first_on_request(engineer_client, partner_user):
    a = set_due(make_incident(partner_user), minutes=10)
    b = set_due(make_incident(partner_user), minutes=20)
    response = engineer_client.get(QUEUE + "?status=open&sort=-due")
    assert listed(response) == [b.number, a.number]


def test_an_unknown_sort_is_not_passed_to_the_database(engineer_client, incident):
    response = engineer_client.get(QUEUE + "?sort=partner__name&status=open")
    assert response.status_code == 200
    assert listed(response) == []
    assert "not understood" in response.content.decode()


def test_by_default_closed_incidents_are_not_in_the_queue(engineer_client, incident, engineer):
    for name in ("start", "resolve", "close"):
        workflow.change_status(incident, transition=name, actor=engineer)
    assert listed(engineer_client.get(QUEUE)) == []
    assert listed(engineer_client.get(QUEUE + "?status=closed")) == [incident.number]
    assert listed(engineer_client.get(QUEUE + "?status=")) == [incident.number]


def test_filter_by_severity_product_and_partner(engineer_client, partner_user, other_user):
    azure = make_product("Microsoft Azure", platform=Platform.AZURE)
    a = make_incident(partner_user, severity="A")
    b = make_incident(partner_user, severity="C", product=azure)
    c = make_incident(other_user, severity="C")
    assert listed(engineer_client.get(QUEUE + "?status=open&severity=A")) == [a.number]
    assert listed(engineer_client.get(QUEUE + f"?status=open&product={azure.pk}")) == [b.number]
    partner_id = other_user.partner.partner_number
    by_partner = engineer_client.get(QUEUE + f"?status=open&partner={partner_id}")
    assert listed(by_partner) == [c.number]


def test_an_unknown_partner_matches_nothing_it_is_not_ignored(engineer_client, incident):
    response = engineer_client.get(QUEUE + "?status=open&partner=999999999")
    assert listed(response) == []
    assert "No incidents match these filters." in response.content.decode()


def test_the_partner_filter_is_a_text_field_not_a_list_of_every_partner(
    engineer_client, incident, other_partner
):
    html = engineer_client.get(QUEUE).content.decode()
    assert other_partner.name not in html


def test_filter_by_status(engineer_client, partner_user, engineer):
    a = make_incident(partner_user)
    b = make_incident(partner_user)
    workflow.change_status(b, transition="start", actor=engineer)
    assert listed(engineer_client.get(QUEUE + "?status=in_progress")) == [b.number]
    assert listed(engineer_client.get(QUEUE + "?status=submitted")) == [a.number]


def test_filter_by_owner(engineer_client, partner_user, engineer):
    mine = make_incident(partner_user)
    theirs = make_incident(partner_user)
    nobody = make_incident(partner_user)
    eva = make_engineer("eva")
    workflow.take(mine, engineer=engineer)
    workflow.take(theirs, engineer=eva)
    assert listed(engineer_client.get(QUEUE + "?status=open&owner=me")) == [mine.number]
    assert listed(engineer_client.get(QUEUE + "?status=open&owner=none")) == [nobody.number]
    assert listed(engineer_client.get(QUEUE + f"?status=open&owner={eva.pk}")) == [theirs.number]


def test_filter_first_response_overdue_and_due_within_an_hour(
    engineer_client, partner_user, engineer
):
    overdue = set_due(make_incident(partner_user), minutes=-5)
    soon = set_due(make_incident(partner_user), minutes=45)
    set_due(make_incident(partner_user), minutes=90)
    answered = set_due(make_incident(partner_user), minutes=-60)
    workflow.reply(answered, engineer=engineer, body="On it")
    assert listed(engineer_client.get(QUEUE + "?status=open&due=overdue")) == [overdue.number]
    assert listed(engineer_client.get(QUEUE + "?status=open&due=soon")) == [soon.number]


def test_search_by_number(engineer_client, partner_user):
    a = make_incident(partner_user)
    make_incident(partner_user)
    assert listed(engineer_client.get(QUEUE + f"?q={a.number.lower()}")) == [a.number]


# --- keyset pagination ---------------------------------------------------------------


def make_many(user, count, *, undated=0):
    base = timezone.now()
    made = []
    for i in range(count):
        incident = make_incident(user, title=f"Issue {i}")
        # Ties on purpose: pairs share a due time, the id breaks the tie.
        incident.response_due_at = base + dt.timedelta(minutes=i // 2)
        incident.save(update_fields=["response_due_at"])
        made.append(incident)
    for _ in range(undated):
        made.append(make_incident(user, reject_reason="Not eligible"))
    return made


def walk(client, url):
    seen, pages = [], 0
    while url:
        response = client.get(url)
        seen += listed(response)
        url = response.context["next_url"] and QUEUE + response.context["next_url"]
        pages += 1
    return seen, pages


def test_next_page_links_walk_every_incident_once_in_due_order(engineer_client, partner_user):
    made = make_many(partner_user, 60, undated=3)
    seen, pages = walk(engineer_client, QUEUE + "?status=")
    assert pages == 3
    expected = sorted(made[:60], key=lambda i: (i.response_due_at, i.pk))
    assert seen == [i.number for i in expected] + [i.number for i in made[60:]]


def test_descending_pages_walk_every_incident_once(engineer_client, partner_user):
    made = make_many(partner_user, 30, undated=2)
    seen, _ = walk(engineer_client, QUEUE + "?status=&sort=-due")
    expected = sorted(made[:30], key=lambda i: (i.response_due_at, i.pk), reverse=True)
    assert seen == [i.number for i in expected] + [i.number for i in reversed(made[30:])]


def walk_back(client, url):
    """Follow "Previous page" links from ``url``; returns the pages, last first."""
    pages = []
    while url:
        response = client.get(url)
        pages.append(listed(response))
        url = response.context["previous_url"] and QUEUE + response.context["previous_url"]
    return pages


@pytest.mark.parametrize("sort", ["due", "-due"])
def test_previous_page_links_walk_back_to_the_first_page(engineer_client, partner_user, sort):
    make_many(partner_user, 55, undated=12)
    forward, url = [], QUEUE + f"?status=&sort={sort}"
    while url:  # remember every page going forwards
        response = engineer_client.get(url)
        forward.append(listed(response))
        last_url = url
        url = response.context["next_url"] and QUEUE + response.context["next_url"]
    assert [len(p) for p in forward] == [25, 25, 17]
    backward = walk_back(engineer_client, last_url)
    assert backward == list(reversed(forward))
    first = engineer_client.get(QUEUE + "?status=&sort=" + sort)
    assert first.context["previous_url"] == ""


def test_a_previous_page_runs_the_same_queries_as_a_next_page(
    engineer_client, partner_user, django_assert_num_queries
):
    make_many(partner_user, 60, undated=5)
    first = engineer_client.get(QUEUE + "?status=")
    with CaptureQueriesContext(connection) as forward:
        second = engineer_client.get(QUEUE + first.context["next_url"])
    with django_assert_num_queries(len(forward)):
        back = engineer_client.get(QUEUE + second.context["previous_url"])
    assert listed(back) == listed(first)


@pytest.mark.parametrize("sort", ["due", "-due"])
def test_open_pages_merge_the_open_statuses_in_due_order_and_skip_closed_ones(
    engineer_client, partner_user, sort
):
    made = make_many(partner_user, 70)
    statuses = [Status.SUBMITTED, Status.IN_PROGRESS, Status.WAITING, Status.CLOSED]
    for i, incident in enumerate(made):
        incident.status = statuses[i % 4]
        incident.save(update_fields=["status"])
    open_ones = [i for i in made if i.status != Status.CLOSED]
    expected = sorted(open_ones, key=lambda i: (i.response_due_at, i.pk), reverse=sort == "-due")
    seen, pages = walk(engineer_client, QUEUE + f"?status=open&sort={sort}")
    assert seen == [i.number for i in expected]
    assert pages == 3
    # the last page (after the 50th) holds the other 3; walking back from it covers all
    last = QUEUE + f"?status=open&sort={sort}&after=" + encode_cursor(expected[49])
    backward = walk_back(engineer_client, last)
    assert [len(page) for page in backward] == [3, 25, 25]
    assert [n for page in reversed(backward) for n in page] == [i.number for i in expected]


@pytest.mark.parametrize("query", ["?status=open", "?due=overdue&severity=A", "?due=soon"])
def test_open_queue_reads_its_rows_in_one_query_of_the_open_incidents(
    engineer_client, partner_user, query
):
    make_many(partner_user, 3)
    with CaptureQueriesContext(connection) as ctx:
        engineer_client.get(QUEUE + query)
    page_queries = [
        q["sql"] for q in ctx.captured_queries if 'FROM "incidents_incident"' in q["sql"]
    ]
    # One query: the page's ids (a LIMIT subquery over the open incidents in due order,
    # which incident_open_due_idx serves) and those rows with their related objects.
    assert len(page_queries) == 1
    assert "IN ('submitted', 'in_progress', 'waiting')" in page_queries[0]
    assert "LIMIT 26" in page_queries[0]


def test_a_forged_cursor_shows_the_first_page(engineer_client, partner_user):
    make_many(partner_user, 3)
    for cursor in ("abc", "1_x", "n", "99999999999999999999999_1", "'; drop table"):
        response = engineer_client.get(QUEUE + f"?after={cursor}")
        assert response.status_code == 200
        assert len(listed(response)) == 3


def test_cursors_round_trip(partner_user):
    incident = make_incident(partner_user)
    assert decode_cursor(encode_cursor(incident)) == (incident.response_due_at, incident.pk)
    rejected = make_incident(partner_user, reject_reason="no")
    assert decode_cursor(encode_cursor(rejected)) == (None, rejected.pk)


def test_queue_page_runs_two_queries_on_any_page(partner_user, django_assert_num_queries):
    make_many(partner_user, 12, undated=4)
    incidents = Incident.objects.all()
    with django_assert_num_queries(2):
        first = queue_page(incidents, size=5)
    with django_assert_num_queries(2):
        deep = queue_page(incidents, after=first.next_cursor, size=5)
    cursor = encode_cursor(
        Incident.objects.filter(response_due_at__isnull=True).order_by("pk").first()
    )
    with django_assert_num_queries(2):
        undated = queue_page(incidents, after=cursor, size=5)
    assert first.rows and deep.rows and undated.rows


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx), response


def test_the_queue_runs_the_same_number_of_queries_for_1_and_50_rows(
    engineer_client, partner_user, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(queue_view, "PAGE_TTL", 0)  # every page read, none kept
    make_many(partner_user, 1)
    engineer_client.get(QUEUE)  # the look-up lists are cached from the first request on
    with_one, _ = count_queries(engineer_client, QUEUE)
    more = make_many(partner_user, 49)
    partner_b = make_partner("Northwind")
    for incident in more[::2]:  # several partners, owners and products on the page
        incident.partner = partner_b
        incident.owner = make_engineer()
        incident.save(update_fields=["partner", "owner"])
    engineer_client.get(QUEUE)  # new engineers: their list is read again, once
    with django_assert_num_queries(with_one):
        response = engineer_client.get(QUEUE)
    assert len(listed(response)) == 25
    with django_assert_num_queries(with_one):
        engineer_client.get(QUEUE + response.context["next_url"])


# --- detail and actions --------------------------------------------------------------


def test_the_engineer_detail_queries_for_the_owner_do_not_grow_with_the_thread(
    engineer_client, incident, engineer, partner, django_assert_num_queries
):
    make_user(partner, username="csaba", first_name="Csaba", last_name="Kovacs")
    make_engineer("second")
    workflow.take(incident, engineer=engineer)
    # The first request also reads the engineers (the assign list) and the product names,
    # then keeps them in the cache (incidents/lookups.py); take() has already cached the
    # engineer-group answer (partners/engineer_cache.py).
    with django_assert_num_queries(11):
        engineer_client.get(detail_url(incident))
    # session, user; incident (no join); colleagues that can be added (read once); the
    # related objects, the thread, the history, the files and the contacts from their
    # cached fragments.
    with django_assert_num_queries(4):
        response = engineer_client.get(detail_url(incident))
    html = response.content.decode()
    assert "Csaba Kovacs" in html and "second" in html
    for i in range(30):
        workflow.reply(incident, engineer=engineer, body=f"Reply {i}")
    # The replies changed the incident: its related objects, messages, history, files and
    # contacts are read again (one query each).
    with django_assert_num_queries(9):
        response = engineer_client.get(detail_url(incident))
    assert "Reply 29" in response.content.decode()


def test_the_engineer_detail_shows_the_topic_path_at_the_same_cost_at_any_depth(
    engineer_client, partner_user, django_assert_num_queries
):
    shallow = make_topic_path(Tree.OFFICE365, "Exchange")
    deep = make_topic_path(Tree.OFFICE365, "Exchange", "Mail flow", "Delays", "<b>Bounces</b>")
    one = make_incident(partner_user, topic=shallow[-1])
    four = make_incident(partner_user, topic=deep[-1])
    engineer_client.get(detail_url(one))  # the look-up lists are cached from now on
    # session, user; incident (no join; its related objects, thread, history, files and
    # contacts from their cached fragments; the engineer-group answer cached)
    with django_assert_num_queries(3):
        engineer_client.get(detail_url(one))
    # a first view: related objects, messages, history, files and contacts read too
    with django_assert_num_queries(8):
        html = engineer_client.get(detail_url(four)).content.decode()
    assert "Exchange › Mail flow › Delays › &lt;b&gt;Bounces&lt;/b&gt;" in html
    deep[1].name_hu = "Levélforgalom"
    deep[1].save()  # a renamed node shows at once
    engineer_client.cookies["django_language"] = "hu"
    html = engineer_client.get(detail_url(four)).content.decode()
    assert "Exchange › Levélforgalom › Delays" in html


def test_the_queue_runs_three_queries_and_two_for_a_page_just_read(
    engineer_client, partner_user, django_assert_num_queries
):
    make_many(partner_user, 30)
    # The first request also reads the engineer group (access and menu; the answer is
    # then cached, partners/engineer_cache.py), the engineers (owner filter) and the
    # products (product filter), then keeps them in the cache (incidents/lookups.py).
    with django_assert_num_queries(6):
        engineer_client.get(QUEUE)
    # session, user; the page's rows were kept (PAGE_TTL) by the first request
    with django_assert_num_queries(2):
        response = engineer_client.get(QUEUE)
    assert len(listed(response)) == 25
    # session, user, the page (ids subquery + rows), then kept
    with django_assert_num_queries(3):
        engineer_client.get(QUEUE + response.context["next_url"])
    with django_assert_num_queries(2):
        engineer_client.get(QUEUE + response.context["next_url"])


def test_the_cached_filter_lists_follow_changes_at_once(engineer_client, partner_user):
    make_many(partner_user, 1)
    engineer_client.get(QUEUE)  # both lists cached
    newcomer = make_engineer("newcomer")
    product = Product.objects.create(
        name="Cached Product Z", slug="cached-z", platform=Platform.OFFICE365
    )
    html = engineer_client.get(QUEUE).content.decode()
    assert f'<option value="{newcomer.pk}"' in html
    assert f'<option value="{product.pk}">Cached Product Z</option>' in html
    product.name = "Renamed Product Z"
    product.save()
    newcomer.groups.clear()  # no longer an engineer
    html = engineer_client.get(QUEUE).content.decode()
    assert "Renamed Product Z" in html and "Cached Product Z" not in html
    assert f'<option value="{newcomer.pk}"' not in html
    product.delete()
    assert "Renamed Product Z" not in engineer_client.get(QUEUE).content.decode()


def test_the_product_filter_accepts_only_listed_products(engineer_client, partner_user):
    make_many(partner_user, 1)
    product = Product.objects.create(
        name="Filtered Product", slug="filtered", platform=Platform.OFFICE365
    )
    response = engineer_client.get(QUEUE + f"?product={product.pk}")
    assert response.status_code == 200 and response.context["form"].is_valid()
    response = engineer_client.get(QUEUE + "?product=999999")
    assert not response.context["form"].is_valid()
    response = engineer_client.get(QUEUE + "?product=abc")
    assert not response.context["form"].is_valid()


def test_the_queue_renders_rows_and_filters_with_escaped_values(
    engineer_client, partner_user, engineer
):
    evil = make_incident(partner_user, title="<script>alert(1)</script> & more")
    set_due(evil, minutes=-5)
    workflow.take(evil, engineer=engineer)
    html = engineer_client.get(QUEUE + "?status=open&q=%3Cb%3E&severity=B").content.decode()
    assert "<script>alert(1)" not in html
    assert 'value="&lt;b&gt;"' in html
    assert '<option value="B" selected>B</option>' in html
    html = engineer_client.get(QUEUE).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    assert f'href="{detail_url(evil)}"' in html
    assert engineer.get_full_name() in html
    assert '<option value="open" selected>' in html


def test_the_engineer_detail_shows_internal_notes_and_partner_replies(
    engineer_client, incident, engineer, partner_user
):
    workflow.add_note(incident, engineer=engineer, body="SECRET-NOTE")
    workflow.partner_message(incident, author=partner_user, body="Partner says hi")
    html = engineer_client.get(detail_url(incident)).content.decode()
    assert "SECRET-NOTE" in html and "Partner says hi" in html


def test_take_then_reply_stops_the_clock_and_mails_the_contacts(
    engineer_client, incident, engineer, partner_user, django_capture_on_commit_callbacks
):
    assert engineer_client.post(action_url(incident, "take")).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        response = engineer_client.post(action_url(incident, "reply"), {"body": "Hello!"})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.owner == engineer
    assert incident.first_response_at is not None
    assert [m.to for m in mail.outbox if "Hello!" in m.body] == [[partner_user.email]]


def test_an_empty_reply_is_refused_and_the_clock_keeps_running(engineer_client, incident):
    response = engineer_client.post(action_url(incident, "reply"), {"body": ""})
    assert response.status_code == 400
    incident.refresh_from_db()
    assert incident.first_response_at is None


def test_assign_to_another_engineer(engineer_client, incident):
    eva = make_engineer("eva")
    engineer_client.post(action_url(incident, "assign"), {"engineer": eva.pk})
    incident.refresh_from_db()
    assert incident.owner == eva


def test_assign_to_a_partner_user_is_refused(engineer_client, incident, partner_user):
    response = engineer_client.post(action_url(incident, "assign"), {"engineer": partner_user.pk})
    assert response.status_code == 400
    incident.refresh_from_db()
    assert incident.owner is None


def test_a_status_change_goes_through_a_named_transition(engineer_client, incident):
    engineer_client.post(action_url(incident, "status"), {"transition": "start"})
    incident.refresh_from_db()
    assert incident.status == Status.IN_PROGRESS


def test_an_invalid_transition_is_refused_with_a_message(engineer_client, incident):
    response = engineer_client.post(
        action_url(incident, "status"), {"transition": "close"}, follow=True
    )
    assert "cannot be changed" in response.content.decode()
    incident.refresh_from_db()
    assert incident.status == Status.SUBMITTED


def test_a_raw_status_value_is_not_accepted(engineer_client, incident):
    engineer_client.post(action_url(incident, "status"), {"transition": "closed"})
    engineer_client.post(action_url(incident, "status"), {"status": "closed"})
    incident.refresh_from_db()
    assert incident.status == Status.SUBMITTED


def test_reject_with_a_reason_refunds_the_unit(engineer_client, partner, partner_user):
    contract = make_contract(partner, units=1, register_to=partner_user)
    incident = make_incident(partner_user, contract=contract)
    engineer_client.post(action_url(incident, "reject"), {"reject-reason": "Not eligible"})
    incident.refresh_from_db()
    contract.refresh_from_db()
    assert (incident.status, incident.unit_consumed, contract.units_used) == (
        Status.REJECTED,
        False,
        0,
    )


def test_reject_without_a_reason_shows_the_form_again(engineer_client, incident):
    response = engineer_client.post(action_url(incident, "reject"), {"reject-reason": ""})
    assert response.status_code == 400
    incident.refresh_from_db()
    assert incident.status == Status.SUBMITTED


def test_route_with_a_team_and_reason_refunds_the_unit(engineer_client, partner, partner_user):
    contract = make_contract(partner, units=2, register_to=partner_user)
    incident = make_incident(partner_user, contract=contract)
    engineer_client.post(
        action_url(incident, "route"),
        {"route-team": "partner_programme", "route-reason": "Pre-sales question"},
    )
    incident.refresh_from_db()
    contract.refresh_from_db()
    assert (incident.status, incident.routed_to, contract.units_used) == (
        Status.ROUTED,
        "partner_programme",
        0,
    )


def test_only_the_owner_changes_contacts(engineer_client, incident, partner):
    colleague = make_user(partner, username="csaba")
    response = engineer_client.post(
        action_url(incident, "contact-add"), {"user": colleague.pk}, follow=True
    )
    assert "Take it first" in response.content.decode()
    assert not incident.contacts.filter(user=colleague).exists()


def test_the_owner_adds_makes_primary_and_removes_contacts(
    engineer_client, incident, partner, partner_user
):
    colleague = make_user(partner, username="csaba")
    engineer_client.post(action_url(incident, "take"))
    engineer_client.post(action_url(incident, "contact-add"), {"user": colleague.pk})
    assert incident.contacts.filter(user=colleague, is_primary=False).exists()
    engineer_client.post(action_url(incident, "contact-primary"), {"user": colleague.pk})
    assert incident.contacts.get(is_primary=True).user == colleague
    engineer_client.post(action_url(incident, "contact-remove"), {"user": partner_user.pk})
    assert list(incident.contacts.values_list("user__username", flat=True)) == ["csaba"]


def test_the_last_primary_contact_cannot_be_removed(engineer_client, incident, partner_user):
    engineer_client.post(action_url(incident, "take"))
    response = engineer_client.post(
        action_url(incident, "contact-remove"), {"user": partner_user.pk}, follow=True
    )
    assert "primary contact" in response.content.decode()
    assert incident.contacts.filter(is_primary=True, user=partner_user).exists()


def test_a_contact_from_another_partner_cannot_be_added_by_the_owner(
    engineer_client, incident, other_user
):
    engineer_client.post(action_url(incident, "take"))
    response = engineer_client.post(action_url(incident, "contact-add"), {"user": other_user.pk})
    assert response.status_code == 400
    assert not incident.contacts.filter(user=other_user).exists()


def test_every_action_is_in_the_history_with_who_and_when(engineer_client, incident, engineer):
    engineer_client.post(action_url(incident, "take"))
    engineer_client.post(action_url(incident, "status"), {"transition": "start"})
    engineer_client.post(action_url(incident, "reply"), {"body": "Hi"})
    engineer_client.post(action_url(incident, "note"), {"body": "internal"})
    events = incident.history.exclude(kind=HistoryEvent.Kind.CREATED)
    assert {e.kind for e in events} == {"assigned", "status", "first_response", "message", "note"}
    assert all(e.actor == engineer and e.created_at for e in events)


def test_the_engineer_detail_shows_contact_and_technical_facts(engineer_client, partner_user):
    incident = make_incident(
        partner_user,
        contact_phone="+36 1 555 0100",
        error_message="0x800CCC0E",
        facts={"Tenant domain": "contoso.onmicrosoft.com", "Users affected": "40"},
    )
    html = engineer_client.get(detail_url(incident)).content.decode()
    for text in ("+36 1 555 0100", "0x800CCC0E", "contoso.onmicrosoft.com", partner_user.email):
        assert text in html


def test_a_request_rejected_at_submission_opens_without_actions(engineer_client, partner_user):
    incident = make_incident(partner_user, reject_reason="Not eligible for Azure")
    response = engineer_client.get(detail_url(incident))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not eligible for Azure" in html
    assert action_url(incident, "reject") not in html
    assert response.context["transitions"] == []
