"""The queue's rendered fragments are cached under what they show: never stale (issue 21)."""

import datetime as dt

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from incidents.forms import followup
from incidents.forms.followup import QueueFilterForm
from incidents.views import queue as queue_view
from tests.builders import make_user
from tests.incidents.test_workflow_builders import make_incident, set_due

QUEUE = reverse("incidents:queue")


def test_a_repeated_page_reuses_its_rendered_rows(engineer_client, partner_user, monkeypatch):
    make_incident(partner_user, title="Printer on fire")
    built = []

    def counting_rows(*args, **kwargs):
        built.append(1)
        return real(*args, **kwargs)

    real = queue_view.queue_rows
    monkeypatch.setattr(queue_view, "queue_rows", counting_rows)
    first = engineer_client.get(QUEUE).content.decode()
    second = engineer_client.get(QUEUE).content.decode()
    assert len(built) == 1
    assert "Printer on fire" in first and "Printer on fire" in second


def test_a_changed_row_is_rendered_again_at_once(engineer_client, partner_user, engineer):
    incident = make_incident(partner_user, title="Printer on fire")
    assert "Printer on fire" in engineer_client.get(QUEUE).content.decode()
    incident.title = "Printer extinguished"
    incident.owner = engineer
    incident.save(update_fields=["title", "owner"])
    html = engineer_client.get(QUEUE).content.decode()
    assert "Printer extinguished" in html and "Printer on fire" not in html
    assert engineer.username in html or engineer.get_full_name() in html


def test_the_due_state_follows_the_clock_not_the_cache(engineer_client, partner_user, monkeypatch):
    set_due(make_incident(partner_user, title="Soon late"), minutes=90)
    assert 'class="due-overdue"' not in engineer_client.get(QUEUE).content.decode()
    later = timezone.now() + dt.timedelta(hours=2)
    monkeypatch.setattr(queue_view.timezone, "now", lambda: later)
    assert 'class="due-overdue"' in engineer_client.get(QUEUE).content.decode()


def test_each_language_gets_its_own_fragments(engineer_client, partner_user):
    make_incident(partner_user, title="Printer on fire")
    english = engineer_client.get(QUEUE).content.decode()
    engineer_client.cookies["django_language"] = "hu"
    hungarian = engineer_client.get(QUEUE).content.decode()
    assert 'lang="hu"' in hungarian
    # The heading, the filters and the row labels are all Hungarian, none left over.
    assert "Incident queue" in english and "Incident queue" not in hungarian
    assert "Download CSV" in english and "Download CSV" not in hungarian


def test_the_filters_fragment_keeps_each_requests_values(engineer_client, partner_user):
    make_incident(partner_user)
    engineer_client.get(QUEUE + "?severity=A")
    html = engineer_client.get(QUEUE + "?severity=B").content.decode()
    assert '<option value="B" selected>' in html and '<option value="A" selected>' not in html
    assert "?severity=B" in html  # the CSV export link


def test_each_post_form_gets_a_fresh_csrf_token(engineer_client, partner_user):
    make_incident(partner_user)
    engineer_client.get(QUEUE)
    html = engineer_client.get(QUEUE).content.decode()
    # The language switcher, sign-out, saved-view and bulk forms, each with a token.
    assert html.count('name="csrfmiddlewaretoken"') == 4


def test_the_cached_chrome_depends_on_the_kind_of_user(client, engineer, partner_user):
    client.force_login(engineer)
    assert reverse("incidents:queue") in client.get(reverse("home")).content.decode()
    client.force_login(partner_user)
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("incidents:queue")}"' not in html
    assert reverse("incidents:manage_list") in html


def test_the_filter_forms_share_their_choices_but_not_their_changes(engineer):
    one, two = QueueFilterForm(QueryDict("")), QueueFilterForm(QueryDict(""))
    assert one.fields["status"].choices is two.fields["status"].choices
    one.fields["owner"].choices = [("", "nobody")]
    one.fields["status"].widget.attrs["class"] = "changed"
    assert two.fields["owner"].choices != [("", "nobody")]
    assert two.fields["status"].widget.attrs["class"] == "form-select form-select-sm"


def test_a_partner_user_still_cannot_open_the_queue(client, partner):
    client.force_login(make_user(partner, username="outsider"))
    assert client.get(QUEUE).status_code == 403


def test_the_filter_form_reads_its_look_up_lists_only_when_its_choices_are_used(
    engineer, monkeypatch
):
    reads = []
    real = followup.engineer_choices
    monkeypatch.setattr(followup, "engineer_choices", lambda: reads.append(1) or real())
    form = QueueFilterForm(QueryDict("status=open"))
    assert form.is_valid() and reads == []  # an empty owner is not looked up
    labels = [str(label) for _, label in form.fields["owner"].choices]
    assert reads == [1] and labels[:3] == ["Anyone", "Me", "Nobody (unassigned)"]
    assert str(engineer.pk) in [key for key, _ in form.fields["owner"].choices]
    # A chosen owner is checked against the list, read then.
    assert QueueFilterForm(QueryDict(f"owner={engineer.pk}")).is_valid()
    assert not QueueFilterForm(QueryDict("owner=999999")).is_valid()
