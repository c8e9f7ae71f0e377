"""Manage support requests (SPEC §5): one access rule for list, detail, POSTs and downloads."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents import workflow
from incidents.models import Attachment, HistoryEvent, Incident, IncidentContact, Message
from tests.builders import make_user
from tests.incidents.test_workflow_builders import make_incident, png_file, text_file


@pytest.fixture
def incident(partner_user):
    return make_incident(partner_user, title="Exchange mailbox sync fails")


@pytest.fixture
def colleague(partner):
    return make_user(partner, username="csaba", first_name="Csaba", last_name="Kovacs")


def detail_url(incident, name="manage_detail"):
    return reverse(f"incidents:{name}", args=[incident.number])


def snapshot(incident):
    incident.refresh_from_db()
    return (
        incident.status,
        incident.updated_at,
        Message.objects.filter(incident=incident).count(),
        IncidentContact.objects.filter(incident=incident).count(),
        Attachment.objects.filter(incident=incident).count(),
        HistoryEvent.objects.filter(incident=incident).count(),
    )


# --- list ----------------------------------------------------------------------------


def test_the_list_shows_the_users_requests_with_number_title_product_severity_status(
    partner_client, incident
):
    response = partner_client.get(reverse("incidents:manage_list"))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (incident.number, "Exchange mailbox sync fails", "Office 365", "Submitted"):
        assert text in html


def test_the_list_needs_a_log_in(client, incident):
    response = client.get(reverse("incidents:manage_list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_another_partner_does_not_list_my_request(client, incident, other_user):
    client.force_login(other_user)
    response = client.get(reverse("incidents:manage_list") + "?status=all")
    assert incident.number not in response.content.decode()


def test_a_submitter_who_is_not_a_contact_neither_lists_nor_opens_the_request(
    client, partner, partner_user, colleague
):
    # Anna submits, makes Csaba primary and does not add herself.
    incident = make_incident(partner_user, primary_contact=colleague)
    before = snapshot(incident)
    client.force_login(partner_user)
    assert incident.number not in client.get(reverse("incidents:manage_list")).content.decode()
    assert client.get(detail_url(incident)).status_code == 404
    assert client.post(detail_url(incident, "manage_message"), {"body": "hi"}).status_code == 404
    assert snapshot(incident) == before
    # ...while the primary contact sees it
    client.force_login(colleague)
    assert incident.number in client.get(reverse("incidents:manage_list")).content.decode()
    assert client.get(detail_url(incident)).status_code == 200


def test_a_colleague_who_is_not_a_contact_does_not_see_the_request(client, incident, colleague):
    client.force_login(colleague)
    assert incident.number not in client.get(reverse("incidents:manage_list")).content.decode()
    assert client.get(detail_url(incident)).status_code == 404


def test_the_list_filters_open_and_closed(partner_client, partner_user, engineer):
    open_one = make_incident(partner_user, title="Still open")
    closed = make_incident(partner_user, title="Done already")
    for name in ("start", "resolve", "close"):
        workflow.change_status(closed, transition=name, actor=engineer)
    url = reverse("incidents:manage_list")
    default = partner_client.get(url).content.decode()
    assert open_one.number in default and closed.number not in default
    closed_page = partner_client.get(url + "?status=closed").content.decode()
    assert closed.number in closed_page and open_one.number not in closed_page
    everything = partner_client.get(url + "?status=all").content.decode()
    assert open_one.number in everything and closed.number in everything
    # an unknown filter value falls back to "open"
    assert partner_client.get(url + "?status=drop+table").status_code == 200


def test_the_list_is_paginated(partner_client, partner_user):
    numbers = [make_incident(partner_user, title=f"Issue {i}").number for i in range(23)]
    first = partner_client.get(reverse("incidents:manage_list")).content.decode()
    second = partner_client.get(reverse("incidents:manage_list") + "?page=2").content.decode()
    on_first = {n for n in numbers if n in first}
    on_second = {n for n in numbers if n in second}
    assert len(on_first) == 20 and len(on_second) == 3
    assert not on_first & on_second


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def test_the_list_runs_the_same_number_of_queries_for_1_and_50_rows(
    partner_client, partner_user, django_assert_num_queries
):
    url = reverse("incidents:manage_list") + "?status=all"
    make_incident(partner_user, title="Issue 0")
    with_one = count_queries(partner_client, url)
    for i in range(1, 50):
        make_incident(partner_user, title=f"Issue {i}")
    # session, user with the partner (middleware), engineer group (menu), count, one page of rows
    with django_assert_num_queries(with_one):
        response = partner_client.get(url)
    assert len(response.context["page"].object_list) == 20


def test_an_engineer_opening_manage_support_requests_goes_to_the_queue(client, engineer):
    client.force_login(engineer)
    response = client.get(reverse("incidents:manage_list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:queue")


# --- detail --------------------------------------------------------------------------


def test_the_detail_shows_status_history_messages_and_contacts(partner_client, incident, engineer):
    workflow.take(incident, engineer=engineer)
    workflow.reply(incident, engineer=engineer, body="Which mailbox is affected?")
    response = partner_client.get(detail_url(incident))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Which mailbox is affected?" in html
    assert "Submitted" in html  # status and the history's first entry
    assert "First response" in html
    assert "anna" in html or "Test" in html


def test_the_detail_runs_four_queries_whatever_the_thread_and_lists_colleagues_once(
    partner_client, partner_user, incident, colleague, engineer, django_assert_num_queries
):
    url = detail_url(incident)
    # The first request also reads the product names into the cache (incidents/lookups.py;
    # the topic tree too when the request has a topic); the incident is read without
    # joining them.
    with django_assert_num_queries(10):
        partner_client.get(url)
    # session, user with the partner (middleware; one join); incident (no join); the
    # colleagues that can be added (read once: tested, then listed). The related objects,
    # the thread, the history, the files and the contacts come from their cached fragments
    # (incidents/detail.py). No engineer-group query: a partner user is never a support engineer.
    with django_assert_num_queries(4):
        response = partner_client.get(url)
    assert "Csaba Kovacs" in response.content.decode()
    # The replies below change the incident: the fragments are read again (related
    # objects, messages, history, files, contacts).
    workflow.take(incident, engineer=engineer)
    for i in range(30):
        workflow.reply(incident, engineer=engineer, body=f"Reply {i}")
    make_user(partner_user.partner, username="dora", first_name="Dora")
    with django_assert_num_queries(9):
        response = partner_client.get(url)
    html = response.content.decode()
    assert "Reply 29" in html and "Dora" in html and "Csaba Kovacs" in html


def test_without_colleagues_to_add_the_contact_form_is_not_shown(partner_client, incident):
    html = partner_client.get(detail_url(incident)).content.decode()
    assert "Add contact" not in html


def test_a_partner_user_in_the_engineers_group_is_still_only_a_partner_user(
    partner_client, partner_user, incident, other_user
):
    from django.contrib.auth.models import Group

    partner_user.groups.add(Group.objects.get_or_create(name="Support engineers")[0])
    foreign = make_incident(other_user, title="Another partner's request")
    assert partner_client.get(reverse("incidents:queue")).status_code == 403
    assert partner_client.get(detail_url(foreign)).status_code == 404
    assert partner_client.get(detail_url(incident)).status_code == 200


def test_internal_notes_are_never_shown_to_partners(partner_client, incident, engineer):
    workflow.add_note(incident, engineer=engineer, body="SECRET-NOTE: customer is difficult")
    detail = partner_client.get(detail_url(incident)).content.decode()
    listing = partner_client.get(reverse("incidents:manage_list")).content.decode()
    assert "SECRET-NOTE" not in detail
    assert "SECRET-NOTE" not in listing
    assert "Internal note" not in detail


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_partners_user_gets_404_on_every_page_of_my_request(
    client, incident, other_user, method
):
    client.force_login(other_user)
    before = snapshot(incident)
    for name, data in [
        ("manage_detail", None),
        ("manage_message", {"body": "Let me in"}),
        ("manage_attach", {"files": text_file()}),
        ("manage_add_contact", {"user": other_user.pk}),
    ]:
        if method == "get" and name != "manage_detail":
            continue
        if method == "post" and name == "manage_detail":
            continue
        response = getattr(client, method)(detail_url(incident, name), data or {})
        assert response.status_code == 404, name
    assert snapshot(incident) == before


def test_post_only_pages_refuse_get(partner_client, incident):
    for name in ("manage_message", "manage_attach", "manage_add_contact"):
        assert partner_client.get(detail_url(incident, name)).status_code == 405


def test_the_detail_page_refuses_post(partner_client, incident):
    assert partner_client.post(detail_url(incident)).status_code == 405


# --- messages ------------------------------------------------------------------------


def test_a_partner_sends_a_message_that_the_engineer_sees(
    partner_client, client, incident, engineer, partner_user
):
    response = partner_client.post(
        detail_url(incident, "manage_message"), {"body": "Here are the details."}
    )
    assert response.status_code == 302
    message = Message.objects.get(incident=incident)
    assert (message.author, message.is_internal) == (partner_user, False)
    client.force_login(engineer)
    queue_page = client.get(reverse("incidents:queue_detail", args=[incident.number]))
    assert "Here are the details." in queue_page.content.decode()


def test_an_empty_message_is_refused_with_the_form_shown_again(partner_client, incident):
    response = partner_client.post(detail_url(incident, "manage_message"), {"body": "  "})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not Message.objects.filter(incident=incident).exists()


def test_a_message_on_a_closed_request_is_refused_with_a_message(
    partner_client, incident, engineer
):
    for name in ("start", "resolve", "close"):
        workflow.change_status(incident, transition=name, actor=engineer)
    response = partner_client.post(
        detail_url(incident, "manage_message"), {"body": "reopen?"}, follow=True
    )
    assert "Submit a new request instead" in response.content.decode()
    assert not Message.objects.filter(incident=incident).exists()


# --- attachments ---------------------------------------------------------------------


def test_a_partner_uploads_files_that_are_validated_like_the_wizards(partner_client, incident):
    response = partner_client.post(
        detail_url(incident, "manage_attach"), {"files": [text_file(), png_file()]}
    )
    assert response.status_code == 302
    names = sorted(incident.attachments.values_list("original_name", flat=True))
    assert names == ["log.txt", "screen.png"]
    assert incident.history.filter(kind=HistoryEvent.Kind.ATTACHMENT).count() == 2


def test_a_disguised_file_is_refused(partner_client, incident):
    fake = text_file("invoice.pdf", b"<html><script>alert(1)</script></html>")
    response = partner_client.post(detail_url(incident, "manage_attach"), {"files": [fake]})
    assert response.status_code == 400
    assert "does not contain what its name says" in response.content.decode()
    assert not incident.attachments.exists()


def test_download_is_a_permission_checked_attachment_with_nosniff(partner_client, incident):
    partner_client.post(detail_url(incident, "manage_attach"), {"files": [text_file()]})
    item = incident.attachments.get()
    detail = partner_client.get(detail_url(incident)).content.decode()
    url = reverse("incidents:attachment", args=[item.pk])
    assert url in detail
    assert "/_private-media/" not in detail and item.file.name not in detail
    response = partner_client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="log.txt"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"line one\nline two\n"


def test_the_media_url_does_not_serve_attachments(partner_client, incident):
    partner_client.post(detail_url(incident, "manage_attach"), {"files": [text_file()]})
    item = incident.attachments.get()
    assert partner_client.get(item.file.url).status_code == 404


def test_another_partners_technical_contact_cannot_download_my_attachment(
    client, incident, partner_user, other_partner
):
    workflow.add_attachments(incident, files=[text_file()], actor=partner_user)
    item = incident.attachments.get()
    outsider = make_user(other_partner, username="fabrikam-engineer", technical_contact=True)
    client.force_login(outsider)
    assert client.get(reverse("incidents:attachment", args=[item.pk])).status_code == 404


def test_a_submitter_who_is_not_a_contact_cannot_download(client, partner_user, colleague):
    incident = make_incident(partner_user, primary_contact=colleague, files=[text_file()])
    item = incident.attachments.get()
    client.force_login(partner_user)
    assert client.get(reverse("incidents:attachment", args=[item.pk])).status_code == 404
    client.force_login(colleague)
    assert client.get(reverse("incidents:attachment", args=[item.pk])).status_code == 200


def test_an_anonymous_visitor_cannot_download(client, partner_user):
    incident = make_incident(partner_user, files=[text_file()])
    response = client.get(reverse("incidents:attachment", args=[incident.attachments.get().pk]))
    assert response.status_code == 302


def test_an_engineer_downloads_any_attachment_through_the_same_view(client, partner_user, engineer):
    incident = make_incident(partner_user, files=[text_file()])
    client.force_login(engineer)
    response = client.get(reverse("incidents:attachment", args=[incident.attachments.get().pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")


# --- contacts ------------------------------------------------------------------------


def test_a_partner_adds_a_colleague_who_then_sees_the_request(
    partner_client, client, incident, colleague
):
    response = partner_client.post(
        detail_url(incident, "manage_add_contact"), {"user": colleague.pk}
    )
    assert response.status_code == 302
    assert incident.contacts.filter(user=colleague, is_primary=False).exists()
    client.force_login(colleague)
    assert incident.number in client.get(reverse("incidents:manage_list")).content.decode()


def test_the_contact_picker_lists_only_colleagues_of_the_same_partner(
    partner_client, incident, colleague, other_user
):
    html = partner_client.get(detail_url(incident)).content.decode()
    assert colleague.email in html
    assert other_user.email not in html


def test_a_user_of_another_partner_cannot_be_added_as_contact(partner_client, incident, other_user):
    response = partner_client.post(
        detail_url(incident, "manage_add_contact"), {"user": other_user.pk}
    )
    assert response.status_code == 400
    assert not incident.contacts.filter(user=other_user).exists()


def test_an_engineer_reply_reaches_the_contacts_mailbox(
    django_capture_on_commit_callbacks, incident, engineer, partner_user
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.reply(incident, engineer=engineer, body="We are on it.")
    assert any(partner_user.email in m.to and "We are on it." in m.body for m in mail.outbox)


def test_incident_visible_to_is_the_single_rule(partner_user, colleague):
    incident = make_incident(partner_user)
    assert list(Incident.objects.visible_to(partner_user)) == [incident]
    assert list(Incident.objects.visible_to(colleague)) == []


def test_a_routed_request_shows_the_team_and_reason_and_no_message_form(
    partner_client, incident, engineer
):
    workflow.route(incident, actor=engineer, team="billing", reason="This is an invoice question")
    html = partner_client.get(detail_url(incident)).content.decode()
    assert "This is an invoice question" in html
    assert "Billing and subscription management" in html
    assert detail_url(incident, "manage_message") not in html


def test_the_history_shows_who_changed_what_but_not_internal_events(
    partner_client, incident, engineer
):
    workflow.take(incident, engineer=engineer)
    workflow.change_status(incident, transition="start", actor=engineer)
    workflow.add_note(incident, engineer=engineer, body="SECRET-NOTE")
    history = partner_client.get(detail_url(incident)).context["history"]
    kinds = [event["kind"] for event in history]
    assert kinds == ["created", "assigned", "status"]
    assert all(event["actor_name"] for event in history)
