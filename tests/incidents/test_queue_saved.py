"""Saved views: an engineer's own named filter sets (issue 18)."""

from django.urls import reverse

from incidents.models import SavedView
from tests.builders import make_engineer

SAVE = reverse("incidents:saved_view_save")
LIST = reverse("incidents:saved_views")
QUEUE = reverse("incidents:queue")


def test_an_engineer_saves_the_filters_and_opens_them_from_the_list(engineer_client, engineer):
    response = engineer_client.post(
        SAVE, {"name": "My overdue A", "filters": "due=overdue&severity=A&owner=me&after=n5"}
    )
    view = SavedView.objects.get(user=engineer)
    assert view.query == "severity=A&owner=me&due=overdue"  # the cursor is not kept
    assert response.status_code == 302 and response["Location"] == f"{QUEUE}?{view.query}"
    html = engineer_client.get(LIST).content.decode()
    assert (
        "My overdue A" in html and f'href="{QUEUE}?severity=A&amp;owner=me&amp;due=overdue"' in html
    )


def test_saving_under_the_same_name_replaces_the_view(engineer_client, engineer):
    engineer_client.post(SAVE, {"name": "Azure", "filters": "severity=A"})
    engineer_client.post(SAVE, {"name": "Azure", "filters": "severity=B"})
    assert list(SavedView.objects.values_list("name", "query")) == [("Azure", "severity=B")]


def test_a_view_without_a_name_or_with_bad_filters_is_refused(engineer_client):
    assert engineer_client.post(SAVE, {"name": "", "filters": "severity=A"}).status_code == 400
    response = engineer_client.post(SAVE, {"name": "Odd", "filters": "severity=Z"})
    assert response.status_code == 400
    assert "not understood" in response.content.decode()
    assert not SavedView.objects.exists()


def test_views_are_private_to_their_engineer(client, engineer):
    mine = SavedView.save_for(engineer, name="Mine", query="severity=A")
    other = make_engineer("other")
    client.force_login(other)
    assert "Mine" not in client.get(LIST).content.decode()
    delete = reverse("incidents:saved_view_delete", args=[mine.pk])
    assert client.post(delete).status_code == 404
    assert SavedView.objects.filter(pk=mine.pk).exists()


def test_the_owner_deletes_a_view(engineer_client, engineer):
    view = SavedView.save_for(engineer, name="Old", query="")
    response = engineer_client.post(reverse("incidents:saved_view_delete", args=[view.pk]))
    assert response.status_code == 302
    assert not SavedView.objects.exists()


def test_partners_cannot_save_or_list_views(partner_client):
    assert partner_client.get(LIST).status_code == 403
    assert partner_client.post(SAVE, {"name": "x", "filters": ""}).status_code == 403
    assert not SavedView.objects.exists()


def test_the_queue_offers_saving_without_an_extra_query(engineer_client, django_assert_num_queries):
    engineer_client.get(QUEUE)  # the group answer and look-ups cached
    # session, user, the page: the queue's own three
    with django_assert_num_queries(3):
        html = engineer_client.get(QUEUE, {"status": "open", "severity": "A"}).content.decode()
    assert 'name="filters" value="status=open&amp;severity=A"' in html
    assert f'href="{LIST}"' in html
