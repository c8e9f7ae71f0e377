"""Every wizard fails the same way (issue 16): a storage error on the final submit
shows the step again with a message and the user's entries, and writes nothing; a
repeated final POST shows the confirmation of the first; a forged step is a 400.

Incident wizards with attachments fail where the file is really stored (the
storage's ``_save`` raises ``OSError`` for attachment files); the others fail inside
the service that writes their rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from contracts.models import ActivationRequest, Contract, ContractKind
from contracts.wizards import ActivationWizard
from drafts.models import Draft
from incidents.models import Attachment, Incident
from incidents.wizards.azure import AzureIncidentWizard
from incidents.wizards.business import BusinessWizard
from incidents.wizards.office365 import Office365Wizard
from partners.models import User
from partners.wizards import ProfileWizard
from tests.builders import make_contract, make_user
from tests.contracts import test_activation_wizard as activation
from tests.contracts.helpers import action_pack_partner, make_admin
from tests.incidents import test_azure_wizard as azure_tests
from tests.incidents import test_business_wizard as business
from tests.incidents import test_office365_wizard as o365
from tests.incidents.test_azure_wizard import azure  # noqa: F401 (fixture)
from tests.partners import test_profile_wizard as profile

PNG = o365.PNG


def _disk_full(*args, **kwargs):
    raise OSError("disk full")


def _break_attachment_storage(monkeypatch):
    """The storage refuses attachment files (the wizard's own draft files still save)."""
    storage = Attachment.file.field.storage
    real_save = storage._save

    def save(name, content, *args, **kwargs):
        if name.startswith("attachments/"):
            raise OSError("disk full")
        return real_save(name, content, *args, **kwargs)

    monkeypatch.setattr(storage, "_save", save)


@dataclass
class Scenario:
    url: str
    cls: type
    prepare: Callable  # (client, user fixture data) -> final POST payload factory
    break_storage: Callable  # (monkeypatch) -> None
    failed_step: str
    written: Callable  # () -> tuple of counts that must not change


def _incident_counts():
    return (
        Incident.objects.count(),
        Attachment.objects.count(),
        sum(Contract.objects.values_list("units_used", flat=True)),
    )


# --- one walk per wizard, to just before its final POST ---------------------------------
def _office365(client, db_user):
    nodes = o365.o365_catalogue()["mail"]
    make_contract(db_user.partner, register_to=db_user)
    o365.walk_to_attach(client, nodes)

    def final():
        upload = SimpleUploadedFile("screen.png", PNG, content_type="image/png")
        return o365.attach_data([upload])

    return final


def _azure(client, db_user, catalogue):
    subscription = azure_tests.make_subscription(db_user)
    contract = make_contract(db_user.partner, register_to=db_user, name="Signature Cloud 2026")
    azure_tests.walk_to_details(client, catalogue, contract=contract)

    def final():
        upload = SimpleUploadedFile("trace.txt", b"trace", content_type="text/plain")
        payload = {f"{azure_tests.PREFIX}-current_step": "details", "details-files": [upload]}
        payload.update({f"details-{k}": v for k, v in azure_tests.details(subscription).items()})
        return payload

    return final


def _business(client, db_user):
    cat = business.make_onprem_catalogue()
    contract = business.product_support(db_user)
    business.run_to_review(client, cat, contract, primary=db_user)
    return lambda: dict(business.REVIEW)


def _profile(client, db_user):
    client.get(profile.URL)
    assert client.post(profile.URL, profile.name_step()).status_code == 200
    assert client.post(profile.URL, profile.contact_step()).status_code == 200
    return profile.review_step


def _activation(client, db_user):
    client.get(activation.URL)
    activation.step(client, "benefit", {"location": db_user.partner.headquarters.pk})
    response = activation.step(client, "contact", activation.contact())
    assert response.context["wizard"]["steps"].current == "review"
    return lambda: {f"{activation.PREFIX}-current_step": "review"}


SCENARIOS = {
    "office365": Scenario(
        o365.URL, Office365Wizard, _office365,
        _break_attachment_storage, "attach", _incident_counts,
    ),
    "azure": Scenario(
        azure_tests.URL, AzureIncidentWizard, _azure,
        _break_attachment_storage, "details", _incident_counts,
    ),
    "business": Scenario(
        business.URL, BusinessWizard, _business,
        # The rows are written, a unit is taken, then storing fails: all rolled back.
        lambda mp: mp.setattr("incidents.services.queued", _disk_full),
        "review", _incident_counts,
    ),
    "profile": Scenario(
        profile.URL, ProfileWizard, _profile,
        lambda mp: mp.setattr("partners.wizards.complete_profile", _disk_full),
        "review", lambda: tuple(User.objects.values_list("profile_completed_at", "phone")),
    ),
    "activation": Scenario(
        activation.URL, ActivationWizard, _activation,
        lambda mp: mp.setattr("contracts.wizards.request_activation", _disk_full),
        "review", lambda: (ActivationRequest.objects.count(),),
    ),
}  # fmt: skip


@pytest.fixture(params=list(SCENARIOS))
def scenario(request, client, db):
    """(scenario, client, final payload factory): the wizard walked to its last step."""
    chosen = SCENARIOS[request.param]
    if request.param == "activation":
        partner = action_pack_partner(name="Contoso AP")
        make_contract(partner, kind=ContractKind.PRODUCT_SUPPORT, activated=False, units=10)
        user = make_admin(partner, username="apadmin")
    elif request.param == "profile":
        partner = request.getfixturevalue("partner")
        user = make_user(partner, username="newbie", profile_done=False)
    else:
        user = request.getfixturevalue("partner_user")
    client.force_login(user)
    if request.param == "azure":
        final = chosen.prepare(client, user, request.getfixturevalue("azure"))
    else:
        final = chosen.prepare(client, user)
    return chosen, client, final


def _files_outside_drafts() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return set()
    return {
        str(p) for p in root.rglob("*") if p.is_file() and "drafts" not in p.relative_to(root).parts
    }


def _current_step(response):
    return response.context["wizard"]["steps"].current


def test_a_storage_error_on_the_final_submit_shows_the_step_and_writes_nothing(
    scenario, monkeypatch, django_capture_on_commit_callbacks
):
    chosen, client, final = scenario
    chosen.break_storage(monkeypatch)
    before, files = chosen.written(), _files_outside_drafts()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(chosen.url, final())

    assert response.status_code == 200
    assert _current_step(response) == chosen.failed_step
    assert "Nothing was submitted" in response.content.decode()
    assert chosen.written() == before
    assert _files_outside_drafts() == files
    # The draft's deletion (inside the submit's transaction) was rolled back with the rest.
    assert Draft.objects.exists()
    # The answers are kept: once storage works again, the same final POST submits.
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(chosen.url, final())
    assert response.status_code == 302
    assert chosen.written() != before
    assert not Draft.objects.exists()


def test_a_repeated_final_post_shows_the_confirmation_of_the_first(
    scenario, django_capture_on_commit_callbacks
):
    chosen, client, final = scenario
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(chosen.url, final())
    assert first.status_code == 302
    after = chosen.written()

    again = client.post(chosen.url, final())

    assert again.status_code == 302
    assert again.url == first.url
    assert chosen.written() == after


def test_a_forged_step_is_a_bad_request(scenario):
    chosen, client, final = scenario
    payload = final()
    payload[next(k for k in payload if k.endswith("-current_step"))] = "no-such-step"
    before = chosen.written()

    response = client.post(chosen.url, payload)

    assert response.status_code == 400
    assert chosen.written() == before


def test_every_wizard_is_covered():
    from tests.security.helpers import wizard_urls

    assert {cls.__name__ for cls in wizard_urls().values()} == {
        "Office365Wizard",
        "AzureIncidentWizard",
        "BusinessWizard",
        "ProfileWizard",
        "ActivationWizard",
    }


def test_the_csp_channel_on_a_storage_error_shows_the_form_with_the_entries(
    partner_client, partner, monkeypatch, django_capture_on_commit_callbacks
):
    from partners.models import CspRole
    from tests.incidents import test_csp_requests as csp

    partner.csp_role = CspRole.DIRECT_PROVIDER
    partner.save()
    customer = csp.make_customer(partner)
    monkeypatch.setattr("incidents.services._add_first_rows", _disk_full)
    data = csp.request_data("office365", title="Mailbox <migration> fails")
    files = _files_outside_drafts()

    with django_capture_on_commit_callbacks(execute=True):
        response = partner_client.post(csp.customer_url(customer), data)

    assert response.status_code == 200
    assert "Nothing was submitted" in response.content.decode()
    assert response.context["form"]["title"].value() == "Mailbox <migration> fails"
    assert not Incident.objects.exists()
    assert _files_outside_drafts() == files
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = partner_client.post(csp.customer_url(customer), data)
    assert response.status_code == 302
    assert Incident.objects.count() == 1


@pytest.mark.parametrize(
    "url_name",
    [
        "incidents:office365",
        "incidents:azure",
        "incidents:business",
        "partners:profile",
        "incidents:csp",
    ],
)
def test_one_partner_only_page_for_users_without_a_partner(client, engineer, url_name):
    from django.urls import reverse

    client.force_login(engineer)

    response = client.get(reverse(url_name))

    assert response.status_code == 403
    assert [t.name for t in response.templates][0] == "portal/partner_only.html"
    assert "Your account is not linked to a partner." in response.content.decode()


@pytest.mark.parametrize("url_name", ["incidents:office365", "incidents:csp"])
def test_anonymous_visitors_of_partner_only_pages_are_sent_to_sign_in(client, db, url_name):
    from django.urls import reverse

    response = client.get(reverse(url_name))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
