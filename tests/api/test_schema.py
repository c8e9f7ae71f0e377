"""The published OpenAPI schema, the docs page, and a property-based run of the schema.

schemathesis generates requests from ``/api/v1/openapi.json`` and sends them to
the real Django WSGI application with a write token: no 5xx, and every response's
status, content type and body agree with the schema. Bounded to a few examples
per operation so the run stays well under a minute.
"""

from __future__ import annotations

import json
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from incidents.services import IncidentDraft, submit_incident
from partners.models import CspRole, Customer, CustomerPartner
from tests.api.conftest import issue
from tests.builders import make_contract

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_the_schema_is_public_and_documents_problem_details(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200

    def no_duplicate_keys(pairs):
        keys = [key for key, _ in pairs]
        assert len(keys) == len(set(keys)), keys  # Swagger UI refuses such a document
        return dict(pairs)

    schema = json.loads(response.content, object_pairs_hook=no_duplicate_keys)
    assert schema["openapi"].startswith("3.")
    create = schema["paths"]["/api/v1/serviceRequests"]["post"]
    assert "application/problem+json" in create["responses"]["422"]["content"]
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_the_docs_page_runs_from_static_files_under_the_csp(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all("src=" in s and "nonce=" in s for s in scripts)
    assert "vendor/swagger-ui/swagger-ui-bundle.js" in html and "js/api-docs.js" in html
    assert "https://" not in html and "<style" not in html
    assert "'nonce-" in response["Content-Security-Policy"]


@pytest.fixture
def fuzz_secret(db, partner_user, settings):
    """A partner with a contract, a CSP customer and a request; its write token."""
    settings.API_THROTTLE_CALLS = 100000
    partner = partner_user.partner
    partner.csp_role = CspRole.DIRECT_PROVIDER
    partner.save()
    customer = Customer.objects.create(name="Woodgrove", tenant_domain="woodgrove.example")
    CustomerPartner.objects.create(customer=customer, partner=partner, relationship="provider")
    make_contract(partner, register_to=partner_user)
    submit_incident(
        IncidentDraft(
            user=partner_user,
            channel="office365",
            title="Mail flow stopped",
            description="No mail since 9:00",
            severity="B",
            contact_name="Anna",
            contact_email=partner_user.email,
        )
    )
    return issue(partner_user, name="fuzz")


@pytest.fixture
def keep_connection():
    """As Django's test client does: the test's transaction must outlive each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_live_app_agrees_with_its_schema(fuzz_secret, keep_connection):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    headers = {"Authorization": f"Bearer {fuzz_secret}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    statuses = []

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=8,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case):
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            statuses.append(response.status_code)

        run()
    # The run reached the endpoints (not only the authentication in front of them).
    assert len(statuses) >= 3 * len(operations)
    assert {200, 422} <= set(statuses), sorted(set(statuses))
