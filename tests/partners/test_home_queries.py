"""The partner home costs a small, constant number of queries (issue 10)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from bench import seed
from partners.models import Competency, PartnerCompetency, ScsProduct, User

URL = reverse("home")


@pytest.fixture
def persona(db):
    people = seed.seed_personas(seed.seed_catalogue())
    return User.objects.get(pk=people["anna"])


def home_queries(client, user, django_assert_max_num_queries, limit):
    client.force_login(user)
    client.get(URL)  # warm the session
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(URL)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_partner_home_runs_at_most_five_queries(client, persona, django_assert_max_num_queries):
    home_queries(client, persona, django_assert_max_num_queries, 5)


def test_the_partner_home_costs_the_same_with_more_competencies(
    client, persona, django_assert_max_num_queries
):
    before = home_queries(client, persona, django_assert_max_num_queries, 5)
    held = set(persona.partner.competencies.values_list("competency_id", flat=True))
    for competency in Competency.objects.exclude(pk__in=held):
        PartnerCompetency.objects.create(
            partner=persona.partner,
            competency=competency,
            level="silver",
            earned_on=dt.date(2014, 1, 1),
        )
    after = home_queries(client, persona, django_assert_max_num_queries, 5)
    assert after == before


def test_the_home_answers_each_product_as_eligibility_for_does(persona):
    partner = persona.partner
    answers = partner.eligibility_for_products(ScsProduct.values)
    for product in ScsProduct.values:
        one = partner.eligibility_for(product)
        assert (answers[product].eligible, answers[product].reason) == (one.eligible, one.reason)
