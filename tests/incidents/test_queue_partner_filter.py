"""The queue's partner filter: part of a partner's name or the start of its Partner ID (issue 18)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.forms.followup import PARTNER_TEXT_MAX, QueueFilterForm
from incidents.views import queue as queue_view
from partners.models import Partner
from tests.builders import make_partner
from tests.incidents.test_workflow_builders import make_incident

QUEUE = reverse("incidents:queue")


def listed(response):
    return sorted(i.number for i in response.context["page"].rows)


@pytest.fixture
def two_partners(partner_user, other_user):
    """Contoso Cloud's incident and Fabrikam's."""
    return make_incident(partner_user), make_incident(other_user)


def test_matching_finds_a_partner_by_any_part_of_its_name_in_any_case(partner, other_partner):
    assert list(Partner.objects.matching("oso cl")) == [partner]
    assert list(Partner.objects.matching("FABRI")) == [other_partner]
    assert list(Partner.objects.matching("nobody")) == []


def test_matching_finds_a_partner_by_the_start_of_its_partner_id(db):
    # Explicit IDs: the builders' counter depends on the tests run before this one.
    partner, other_partner = make_partner("Contoso IDs"), make_partner("Fabrikam IDs")
    Partner.objects.filter(pk=partner.pk).update(partner_number="7310041")
    Partner.objects.filter(pk=other_partner.pk).update(partner_number="7310052")
    partner.refresh_from_db()
    other_partner.refresh_from_db()
    assert list(Partner.objects.matching("7310041")) == [partner]
    assert list(Partner.objects.matching("73100")) == [partner, other_partner]
    # Not the middle of an ID: "the start of" is the rule.
    assert list(Partner.objects.matching("310041")) == []


def test_matching_treats_like_wildcards_as_text(partner):
    make_partner("100% Cloud_Works")
    assert [p.name for p in Partner.objects.matching("100%")] == ["100% Cloud_Works"]
    assert list(Partner.objects.matching("%")) == list(Partner.objects.matching("100%"))
    assert list(Partner.objects.matching("Clou_")) == []  # "_" is no wildcard


@pytest.mark.parametrize("text", ["fabrikam", "Fabri", "BRIK"])
def test_the_queue_filters_by_part_of_a_partner_name(engineer_client, two_partners, text):
    _, fabrikam = two_partners
    assert listed(engineer_client.get(QUEUE, {"status": "open", "partner": text})) == [
        fabrikam.number
    ]


def test_the_queue_filters_by_a_partner_id_prefix(engineer_client, two_partners, other_partner):
    contoso, fabrikam = two_partners
    number = other_partner.partner_number
    assert listed(engineer_client.get(QUEUE, {"partner": number})) == [fabrikam.number]
    both = engineer_client.get(QUEUE, {"partner": number[:3]})
    assert listed(both) == sorted([contoso.number, fabrikam.number])


def test_the_partner_filter_is_length_limited_and_printable_only(db):
    too_long = QueueFilterForm({"partner": "x" * (PARTNER_TEXT_MAX + 1)})
    assert not too_long.is_valid() and "partner" in too_long.errors
    for bad in ("\ud800", "Contoso\x00", "a\nb"):
        form = QueueFilterForm({"partner": bad})
        assert not form.is_valid() and "partner" in form.errors, repr(bad)
    form = QueueFilterForm({"partner": "  Contoso  "})
    assert form.is_valid() and form.cleaned_data["partner"] == "Contoso"


def test_the_partner_filter_runs_no_query_of_its_own(engineer_client, two_partners, monkeypatch):
    monkeypatch.setattr(queue_view, "PAGE_TTL", 0)  # every page read, none kept
    engineer_client.get(QUEUE)  # the look-up lists are cached from now on

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            response = engineer_client.get(url)
        assert response.status_code == 200
        return len(ctx), response

    without, _ = count(QUEUE + "?status=open")
    with_partner, response = count(QUEUE + "?status=open&partner=Fabrikam")
    # The partners are a subquery of the page's own query: no look-up first.
    assert with_partner == without
    assert len(response.context["page"].rows) == 1


def test_the_partner_field_says_what_it_accepts(engineer_client, two_partners):
    html = engineer_client.get(QUEUE).content.decode()
    assert "Partner (name or ID)" in html
    assert 'inputmode="numeric"' not in html
    assert f'maxlength="{PARTNER_TEXT_MAX}"' in html
