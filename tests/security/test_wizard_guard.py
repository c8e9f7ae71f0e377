"""One guard for every wizard (issue 14): forged steps, tampered management data
and fresh-session posts, for the profile and activation wizards as for the
incident wizards. The wizards are found from the URL resolver."""

from __future__ import annotations

import pytest
from django.urls import reverse
from formtools.wizard.views import normalize_name

from contracts.models import ContractKind
from portal.lib.wizards import PortalWizardView
from tests.builders import make_contract
from tests.contracts.helpers import action_pack_partner, make_admin

from .helpers import files_under, row_counts, upload_roots, wizard_urls

WIZARDS = wizard_urls()


def test_every_wizard_inherits_the_one_guarded_base_class():
    assert set(WIZARDS) >= {
        "partners:profile",
        "contracts:activation",
        "incidents:office365",
        "incidents:azure",
        "incidents:business",
    }
    unguarded = [name for name, cls in WIZARDS.items() if not issubclass(cls, PortalWizardView)]
    assert not unguarded


@pytest.fixture
def wizard_client(client, partner_user):
    """A user who may open every wizard: a global admin of an Action Pack partner
    with benefits waiting for activation."""
    partner = action_pack_partner(name="Contoso AP")
    make_contract(partner, kind=ContractKind.PRODUCT_SUPPORT, activated=False, units=10)
    user = make_admin(partner, username="apadmin", technical_contact=True)
    client.force_login(user)
    return client


def _prefix(name):
    return normalize_name(WIZARDS[name].__name__)


def _steps(cls):
    return [step for step, _ in cls.form_list]


def _unchanged(client, url, data):
    before, files = row_counts(), files_under(*upload_roots())
    response = client.post(url, data)
    assert row_counts() == before
    assert files_under(*upload_roots()) == files
    return response


@pytest.mark.parametrize("name", list(WIZARDS))
@pytest.mark.parametrize(
    "step", ["no-such-step", "", "x" * 5000, "review\x00", "\u202ereview\u200b"]
)
def test_a_forged_step_is_a_bad_request_and_writes_nothing(wizard_client, name, step):
    url = reverse(name)
    wizard_client.get(url)
    response = _unchanged(wizard_client, url, {f"{_prefix(name)}-current_step": step})
    assert response.status_code == 400


@pytest.mark.parametrize("name", list(WIZARDS))
def test_missing_management_data_is_a_bad_request(wizard_client, name):
    response = _unchanged(wizard_client, reverse(name), {"title": "x"})
    assert response.status_code == 400


@pytest.mark.parametrize("name", list(WIZARDS))
def test_the_last_step_posted_in_a_fresh_session_writes_nothing(wizard_client, name):
    last = _steps(WIZARDS[name])[-1]
    response = _unchanged(wizard_client, reverse(name), {f"{_prefix(name)}-current_step": last})
    assert response.status_code == 200
    assert "please start again" in response.content.decode()
    assert response.context["wizard"]["steps"].current == _steps(WIZARDS[name])[0]
