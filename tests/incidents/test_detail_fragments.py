"""The incident pages' thread and history, cached per incident and reader (issue 21).

The rendered fragments are kept under ``incidents.detail.fragment_key``: an engineer's
(with the internal notes) and a partner's (without) never share an entry, and any change
to the incident, its messages or its history shows at once.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from incidents import detail, workflow
from incidents.models import Attachment, HistoryEvent, IncidentContact, Message
from tests.builders import Tree, make_engineer, make_topic_path, make_user
from tests.incidents.test_workflow_builders import make_incident

NOTE = "Known issue KB123, do not tell"
FILE_LINK = 'class="text-break-all">trace.log</a>'


@pytest.fixture
def engineer_client(engineer):
    client = Client()  # its own: partner_client uses the ``client`` fixture
    client.force_login(engineer)
    return client


def engineer_page(client, incident):
    return client.get(reverse("incidents:queue_detail", args=[incident.number])).content.decode()


def partner_page(client, incident):
    return client.get(reverse("incidents:manage_detail", args=[incident.number])).content.decode()


def _with_note(partner_user, engineer):
    incident = make_incident(partner_user, title="Mail stuck")
    workflow.take(incident, engineer=engineer)
    workflow.reply(incident, engineer=engineer, body="Looking at it")
    workflow.add_note(incident, engineer=engineer, body=NOTE)
    return incident


def test_a_partner_never_gets_the_engineers_cached_thread(
    engineer_client, partner_client, partner_user, engineer
):
    incident = _with_note(partner_user, engineer)
    for _ in range(2):  # rendered, then from the cache
        html = engineer_page(engineer_client, incident)
        assert NOTE in html and html.count('data-testid="note"') == 1
    for _ in range(2):
        html = partner_page(partner_client, incident)
        assert NOTE not in html and 'data-testid="note"' not in html
        assert "Looking at it" in html
        history = html[html.index('data-testid="history"') :]
        assert "Internal note" not in history


def test_an_engineer_never_gets_the_partners_cached_thread(
    engineer_client, partner_client, partner_user, engineer
):
    incident = _with_note(partner_user, engineer)
    assert NOTE not in partner_page(partner_client, incident)  # the partner's entry first
    html = engineer_page(engineer_client, incident)
    assert NOTE in html
    assert "<strong>Internal note</strong>" in html[html.index('data-testid="history"') :]


def test_the_key_differs_by_reader_language_zone_and_incident_change(partner_user, engineer):
    incident = _with_note(partner_user, engineer)
    engineer_key = detail.fragment_key(incident, with_internal=True)
    assert engineer_key != detail.fragment_key(incident, with_internal=False)
    with translation.override("hu"):
        assert detail.fragment_key(incident, with_internal=True) != engineer_key
    with timezone.override("Asia/Tokyo"):
        assert detail.fragment_key(incident, with_internal=True) != engineer_key
    workflow.change_status(incident, transition="start", actor=engineer)
    assert detail.fragment_key(incident, with_internal=True) != engineer_key


def test_a_workflow_action_shows_at_once(engineer_client, partner_client, partner_user, engineer):
    incident = _with_note(partner_user, engineer)
    engineer_page(engineer_client, incident)
    partner_page(partner_client, incident)
    workflow.reply(incident, engineer=engineer, body="Fixed in build 42")
    assert "Fixed in build 42" in engineer_page(engineer_client, incident)
    assert "Fixed in build 42" in partner_page(partner_client, incident)


def test_events_written_without_touching_the_incident_show_at_once(
    engineer_client, partner_client, partner_user, engineer
):
    # The reminders and the admin write history and messages without saving the incident.
    incident = _with_note(partner_user, engineer)
    engineer_page(engineer_client, incident)
    partner_page(partner_client, incident)
    HistoryEvent.objects.create(
        incident=incident, kind=HistoryEvent.Kind.NOTE, is_internal=True, detail="Reminder sent"
    )
    Message.objects.create(incident=incident, author=engineer, body="Written in the admin")
    html = engineer_page(engineer_client, incident)
    assert "Reminder sent" in html and "Written in the admin" in html
    html = partner_page(partner_client, incident)
    assert "Written in the admin" in html and "Reminder sent" not in html
    Message.objects.filter(body="Written in the admin").get().delete()
    assert "Written in the admin" not in engineer_page(engineer_client, incident)


def test_a_cached_page_reads_neither_messages_nor_history(
    engineer_client, partner_user, engineer, django_assert_num_queries
):
    incident = _with_note(partner_user, engineer)
    engineer_page(engineer_client, incident)
    # session, user; incident (no join); colleagues (owner's add form); the
    # engineer-group answer is cached (partners/engineer_cache.py)
    with django_assert_num_queries(4) as captured:
        html = engineer_page(engineer_client, incident)
    assert NOTE in html
    sql = " ".join(query["sql"] for query in captured.captured_queries)
    assert "incidents_message" not in sql and "incidents_historyevent" not in sql
    assert "incidents_attachment" not in sql
    assert '"incidents_incidentcontact"."is_primary"' not in sql  # the contacts list
    (read,) = [
        q["sql"] for q in captured.captured_queries if 'FROM "incidents_incident"' in q["sql"]
    ]
    assert "JOIN" not in read  # the related objects are drawn from the cached fragments


def _selected(html):
    select = html[html.index('id="id_engineer"') :]
    select = select[: select.index("</select>")]
    return select[: select.index(" selected")].rsplit('value="', 1)[1].split('"')[0]


def test_the_cached_assign_form_selects_the_owner_and_lists_a_new_engineer_at_once(
    engineer_client, partner_user, engineer
):
    mine = make_incident(partner_user, title="Mine")
    workflow.take(mine, engineer=engineer)
    other = make_engineer("olga")
    theirs = make_incident(partner_user, title="Theirs")
    workflow.take(theirs, engineer=other)
    unowned = make_incident(partner_user, title="Nobody's")
    for _ in range(2):  # rendered, then from the cache
        assert _selected(engineer_page(engineer_client, mine)) == str(engineer.pk)
        assert _selected(engineer_page(engineer_client, theirs)) == str(other.pk)
        # unowned: the reader is proposed
        assert _selected(engineer_page(engineer_client, unowned)) == str(engineer.pk)
    make_engineer("newcomer")
    assert "newcomer" in engineer_page(engineer_client, mine)


def test_a_file_added_or_removed_shows_at_once(
    engineer_client, partner_client, partner_user, engineer
):
    incident = _with_note(partner_user, engineer)
    engineer_page(engineer_client, incident)
    partner_page(partner_client, incident)
    upload = SimpleUploadedFile("trace.log", b"stack trace", content_type="text/plain")
    workflow.add_attachments(incident, files=[upload], actor=partner_user)
    assert FILE_LINK in engineer_page(engineer_client, incident)
    assert FILE_LINK in partner_page(partner_client, incident)
    # deleted as the admin would (the history keeps its "attachment" event)
    Attachment.objects.filter(incident=incident).delete()
    assert FILE_LINK not in engineer_page(engineer_client, incident)
    assert FILE_LINK not in partner_page(partner_client, incident)


# --- the incident's related objects and its contacts, from the same fragments ---------


def _contacts(html):
    section = html[html.index('id="contacts"') :]
    return section[: section.index("</section>")]


def _contact_list(html):
    listed = _contacts(html)
    return listed[: listed.index("</ul>")]


def test_a_contact_added_or_removed_outside_the_workflow_shows_at_once(
    engineer_client, partner_client, partner_user, engineer
):
    # The admin writes contacts without saving the incident: the signal drops the fragments.
    incident = _with_note(partner_user, engineer)
    dora = make_user(partner_user.partner, username="dora", first_name="Dora", last_name="Dale")
    for page, client in ((engineer_page, engineer_client), (partner_page, partner_client)):
        assert "Dora Dale" not in _contact_list(page(client, incident))
    contact = IncidentContact.objects.create(incident=incident, user=dora)
    for page, client in ((engineer_page, engineer_client), (partner_page, partner_client)):
        assert "Dora Dale" in _contact_list(page(client, incident))
    contact.delete()
    for page, client in ((engineer_page, engineer_client), (partner_page, partner_client)):
        assert "Dora Dale" not in _contact_list(page(client, incident))


def test_only_the_owner_gets_the_contact_buttons_and_their_forms_hold_the_token(
    partner_user, engineer
):
    incident = _with_note(partner_user, engineer)  # owned by ``engineer``
    colleague = make_user(partner_user.partner, username="csaba", first_name="Csaba")
    workflow.add_contact(incident, user=colleague, actor=engineer)
    owner = Client(enforce_csrf_checks=True)
    owner.force_login(engineer)
    other = Client()
    other.force_login(make_engineer("olga"))
    for _ in range(2):  # rendered, then from the cache: one entry each
        assert 'form="contact-remove-form"' in _contacts(engineer_page(owner, incident))
        html = engineer_page(other, incident)
        assert "Csaba" in _contact_list(html) and 'form="contact-remove-form"' not in html
        assert 'id="contact-remove-form"' not in html
    # The cached button submits the form outside the fragment, which carries the token.
    html = _contacts(engineer_page(owner, incident))
    form = html[html.index('<form id="contact-remove-form"') :]
    form = form[: form.index("</form>")]
    token = form.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    action = form.split('action="', 1)[1].split('"', 1)[0]
    response = owner.post(action, {"csrfmiddlewaretoken": token, "user": colleague.pk})
    assert response.status_code == 302
    assert not IncidentContact.objects.filter(incident=incident, user=colleague).exists()
    assert "Csaba" not in _contact_list(engineer_page(owner, incident))


def test_the_owner_shown_follows_a_workflow_change_at_once(
    engineer_client, partner_client, partner_user, engineer
):
    incident = make_incident(partner_user, title="Nobody's")
    olga = make_engineer("olga")
    olga.first_name, olga.last_name = "Olga", "Orosz"
    olga.save()
    for _ in range(2):  # rendered, then from the cache
        html = engineer_page(engineer_client, incident)
        assert "Olga Orosz" not in _owner(html) and "Olga Orosz" not in _summary(html)
        assert "Olga Orosz" not in _summary(partner_page(partner_client, incident))
    workflow.assign(incident, engineer=olga, actor=engineer)
    html = engineer_page(engineer_client, incident)
    assert _owner(html).endswith("Olga Orosz") and "Olga Orosz" in _summary(html)
    assert "Olga Orosz" in _summary(partner_page(partner_client, incident))


def _owner(html):
    owner = html[html.index('id="owner-title"') :]
    return owner[owner.index("<p>") + 3 : owner.index("</p>")]


def _summary(html):
    summary = html[html.index('data-testid="incident-summary"') :]
    return summary[: summary.index("</dl>")]


def test_a_renamed_product_or_topic_shows_at_once_in_the_cached_facts(
    engineer_client, partner_client, partner_user
):
    path = make_topic_path(Tree.OFFICE365, "Exchange", "Mail flow")
    incident = make_incident(partner_user, topic=path[-1])
    pages = ((engineer_page, engineer_client), (partner_page, partner_client))
    for _ in range(2):  # rendered, then from the cache
        for page, client in pages:
            html = page(client, incident)
            assert "Exchange › Mail flow" in html and "Office 365" in html
    path[-1].name = "Delivery"
    path[-1].save()
    product = incident.product
    product.name = "Microsoft 365"
    product.save()
    for page, client in pages:
        html = page(client, incident)
        assert "Exchange › Delivery" in html and "Mail flow" not in html
        assert "Microsoft 365" in _summary(html)
