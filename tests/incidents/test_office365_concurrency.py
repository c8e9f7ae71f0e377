"""Two simultaneous final POSTs of one wizard run create one incident (PostgreSQL only)."""

import importlib
import threading

import pytest
from django.apps import apps
from django.core import mail
from django.db import connection
from django.test import Client

import incidents.wizards.office365 as wizard_module
from incidents.models import Incident
from tests.builders import make_partner, make_user
from tests.conftest import is_postgres
from tests.incidents.test_office365_wizard import URL, attach_data, o365_catalogue, walk_to_attach

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL (set DATABASE_URL)"),
]


@pytest.fixture
def seeded(transactional_db):
    # Earlier transactional tests flush the migrations' seed data; put it back.
    seed = importlib.import_module("partners.migrations.0002_seed_competencies_and_eligibility")
    seed.seed(apps, None)


def test_two_simultaneous_final_posts_of_one_run_create_one_incident(seeded, monkeypatch):
    user = make_user(make_partner(competencies=["Cloud Productivity"]))
    catalogue = o365_catalogue()
    first = Client()
    first.force_login(user)
    walk_to_attach(first, catalogue["mail"])
    second = Client()
    second.cookies = first.cookies  # the same browser session, e.g. a double click

    # Both requests have read the wizard state before either one submits.
    barrier = threading.Barrier(2, timeout=20)
    real_submit = wizard_module.submit_incident

    def submit_together(draft):
        barrier.wait()
        return real_submit(draft)

    monkeypatch.setattr(wizard_module, "submit_incident", submit_together)
    responses = {}

    def post(name, client):
        try:
            responses[name] = client.post(URL, attach_data())
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=item) for item in (("a", first), ("b", second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert Incident.objects.count() == 1
    number = Incident.objects.get().number
    assert {r.status_code for r in responses.values()} == {302}
    assert {r.url for r in responses.values()} == {f"/incidents/submitted/{number}/"}
    assert len(mail.outbox) == 1
