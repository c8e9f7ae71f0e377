"""Issue 20 (functional remainder): strings left in English, the switcher, the console,
PORTAL_ADDR, Azure details. Each test fails if its fix is undone."""

from __future__ import annotations

import datetime as dt
import io
import logging

import pytest
from django.urls import reverse
from django.utils import translation

from contracts.models import RegistrationFailure
from contracts.services import RegistrationError, register_contract
from demo.management.commands.load_demo import portal_address
from incidents import workflow
from incidents.azure import azure_prerequisites
from incidents.forms.azure import AzureTopicForm
from incidents.models import HistoryEvent
from portal.lib.i18n import local_date
from portal.lib.log_filters import ClientErrorWithoutTraceback
from portal.lib.uploads import AttachmentsField
from tests.builders import make_contract, make_engineer, make_user
from tests.i18n.compiled import compile_catalogues
from tests.incidents.test_workflow_builders import make_incident
from tests.partners.test_eligibility import partner_with


@pytest.fixture(scope="module", autouse=True)
def _compiled_catalogues():
    compile_catalogues()


# --- strings evaluated once, in English ---------------------------------------------


def test_the_upload_help_text_follows_the_language_of_each_request():
    field = AttachmentsField()  # built once, like the fields of a form class
    with translation.override("en"):
        english = str(field.help_text)
    with translation.override("hu"):
        hungarian = str(field.help_text)
    assert english.startswith("Up to 5 files")
    assert "Accepted types" not in hungarian
    assert hungarian != english


@pytest.mark.django_db
def test_the_empty_choice_of_a_drop_down_is_translated():
    with translation.override("ja"):
        form = AzureTopicForm()
        first = str(next(iter(form.fields["product"].choices))[1])
    assert first != "- Select an option -"
    assert "Select" not in first


@pytest.mark.django_db
def test_on_time_in_the_history_is_shown_in_the_readers_language(partner_user):
    incident = make_incident(partner_user)
    with translation.override("en"):  # written by an English-speaking engineer
        workflow.reply(incident, engineer=make_engineer(), body="Looking at it.")
    event = incident.history.get(kind=HistoryEvent.Kind.FIRST_RESPONSE)
    assert event.detail == HistoryEvent.ON_TIME
    with translation.override("hu"):
        shown = event.display_detail
    assert shown not in ("On time", HistoryEvent.ON_TIME)


# --- the header switcher ----------------------------------------------------------
# (tests/i18n/test_language.py: the switcher leaves the profile's language alone.)


# --- the console --------------------------------------------------------------------


def _stderr_handler():
    return next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, ClientErrorWithoutTraceback) for f in h.filters)
    )


def test_a_partner_opening_the_queue_logs_one_line_without_a_traceback(partner_client):
    handler = _stderr_handler()
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        response = partner_client.get(reverse("incidents:queue"))
    finally:
        handler.setStream(old)
    assert response.status_code == 403
    lines = [line for line in stream.getvalue().splitlines() if "django.request" in line]
    assert len(lines) == 1, lines  # once (not also through Django's own console handler)
    assert "WARNING" in lines[0] and "Forbidden" in lines[0]
    assert "Traceback" not in stream.getvalue()
    # With DEBUG, Django's own console handler printed every record a second time.
    assert logging.getLogger("django").handlers == []


def test_a_server_error_keeps_its_traceback():
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", (), None)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record.exc_info = sys.exc_info()
    record.status_code = 500
    ClientErrorWithoutTraceback().filter(record)
    assert record.exc_info is not None


# --- PORTAL_ADDR ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "http://127.0.0.1:8000"),
        ("8001", "http://127.0.0.1:8001"),
        ("0.0.0.0:8002", "http://0.0.0.0:8002"),
    ],
)
def test_load_demo_prints_the_address_portal_addr_chose(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("PORTAL_ADDR", raising=False)
    else:
        monkeypatch.setenv("PORTAL_ADDR", value)
    assert portal_address() == expected


def test_bin_serve_and_the_readme_use_portal_addr():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    serve = (root / "bin/serve").read_text()
    assert 'echo "==> Serving on http://$addr' in serve
    assert "127.0.0.1:8000 (Ctrl+C" not in serve
    assert "PORTAL_ADDR" in (root / "README.md").read_text()


# --- Azure ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_access_id_matches_whatever_its_case_and_costs_no_attempt(partner):
    user = make_user(partner, username="casey")
    contract = make_contract(partner, access_id="SCS-CONTOSO-02", contract_id="C-1")
    assert register_contract(user, "scs-contoso-02", "C-1") == contract
    assert not RegistrationFailure.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_a_wrong_pair_still_counts(partner):
    user = make_user(partner, username="casey")
    make_contract(partner, access_id="SCS-CONTOSO-02", contract_id="C-1")
    with pytest.raises(RegistrationError):
        register_contract(user, "scs-contoso-03", "C-1")
    assert RegistrationFailure.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_before_its_renewal_the_eligibility_row_gives_the_reason_and_the_date():
    partner = partner_with("Datacenter", membership_start=dt.date(2013, 3, 1))
    user = make_user(partner, username="rene")
    with translation.override("en"):
        rows = azure_prerequisites(user, on=dt.date(2015, 2, 28))
    row = next(p for p in rows if p.key == "eligible")
    assert not row.met
    assert "is eligible" not in row.label
    assert "not yet eligible" in row.label
    assert local_date(dt.date(2015, 3, 1)) in row.label
    assert "renewal" in row.fix


# --- phones: one format ------------------------------------------------------------------


def test_a_national_number_typed_in_a_step_is_shown_back_in_international_format():
    from portal.lib.forms import InternationalPhoneWidget

    widget = InternationalPhoneWidget(region="HU")
    assert widget.format_value("06 1 555 0101") == "+36 1 555 0101"
    assert widget.format_value("+3615550101") == "+36 1 555 0101"
    assert widget.format_value("call me maybe") == "call me maybe"  # kept to be corrected


# --- the partner's request page -------------------------------------------------------


@pytest.mark.django_db
def test_the_partners_request_page_shows_what_the_partner_told_us(partner_client, partner_user):
    from incidents.models import Tree
    from tests.builders import make_topic_path

    leaf = make_topic_path(Tree.OFFICE365, "Technical", "Exchange Online", "Mail flow")[-1]
    incident = make_incident(
        partner_user,
        topic=leaf,
        error_message="550 5.7.1 Relay denied",
        facts={"tenant_domain": "contoso.onmicrosoft.com", "users_affected": "120"},
    )
    url = reverse("incidents:manage_detail", args=[incident.number])
    with translation.override("en"):
        page = partner_client.get(url).content.decode()
    details = page[page.index('data-testid="request-details"') :]
    details = details[: details.index("</dl>")]
    assert "Technical › Exchange Online › Mail flow" in details
    assert "550 5.7.1 Relay denied" in details
    assert "Tenant domain" in details and "contoso.onmicrosoft.com" in details
    assert "Users affected" in details and "120" in details
