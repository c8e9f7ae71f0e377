"""Shared personas. Builders live in tests/builders.py."""

import importlib

import pytest
from django.conf import settings

from tests.builders import make_engineer, make_partner, make_staff, make_user


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AXES_ENABLED = False  # turned on explicitly by the log-in throttling tests
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cached look-up lists (incidents/lookups.py) never outlive a test's rolled-back rows."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    """Tasks (e-mail delivery) run at once in most tests; tests/notifications switch to the
    database queue and run the real worker."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _seed_data_after_flush(request):
    """Put back what the data migrations seeded (competencies, eligibility rules, groups).

    Transactional tests (live_server, transactional_db) flush the database afterwards,
    seed data included; reseeding before each of them makes the order of tests irrelevant.
    """
    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction", False)
    if not transactional and "live_server" not in names and "transactional_db" not in names:
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    seed = importlib.import_module("partners.migrations.0002_seed_competencies_and_eligibility")
    seed.seed(apps, None)


@pytest.fixture
def partner(db):
    return make_partner("Contoso Cloud", competencies=["Cloud Productivity", "Cloud Platform"])


@pytest.fixture
def partner_user(partner):
    return make_user(partner, username="anna", technical_contact=True)


@pytest.fixture
def other_partner(db):
    return make_partner("Fabrikam", competencies=["Cloud Platform"])


@pytest.fixture
def other_user(other_partner):
    return make_user(other_partner, username="bela")


@pytest.fixture
def engineer(db):
    return make_engineer("eng")


@pytest.fixture
def staff(db):
    return make_staff("staff")


@pytest.fixture
def engineer_client(client, engineer):
    client.force_login(engineer)
    return client


@pytest.fixture
def partner_client(client, partner_user):
    client.force_login(partner_user)
    return client


def is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def _serialized_rollback(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("serialized_rollback"))


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        return True
    fixtures = getattr(item, "fixturenames", ())
    return "transactional_db" in fixtures or "live_server" in fixtures


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Tests that restore the migrated data (serialized_rollback) run first among the
    transactional ones (pytest-django already puts those after the others).

    Another transactional test's flush re-creates the content types under new keys
    (post_migrate), and restoring the serialized copy on top of them then fails on
    their unique (app_label, model); before any such flush the copy matches what is there.
    """
    first = next((i for i, item in enumerate(items) if _transactional(item)), None)
    if first is None:
        return
    head, tail = items[:first], items[first:]
    restoring = [item for item in tail if _serialized_rollback(item)]
    others = [item for item in tail if not _serialized_rollback(item)]
    items[:] = head + restoring + others
