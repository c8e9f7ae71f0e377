"""Fixtures for API v1: tokens, an Azure catalogue, a subscription and a contract."""

from __future__ import annotations

import json

import pytest

from api.models import ApiToken
from contracts.models import Platform
from incidents.models import Tree
from partners.models import AzureSubscription, SubscriptionRole
from tests.builders import make_contract, make_product, make_topic_path

CONTACT = {"name": "Anna Kovacs", "email": "anna@example.com", "phone": "+36 1 234 5678"}


class Api:
    """The Django test client speaking JSON with a bearer token (never a session)."""

    def __init__(self, client, secret=None):
        self.client = client
        self.secret = secret

    def headers(self, extra=None, secret=None):
        headers = dict(extra or {})
        secret = secret if secret is not None else self.secret
        if secret:
            headers["Authorization"] = f"Bearer {secret}"
        return headers

    def get(self, path, params=None, headers=None, secret=None):
        return self.client.get(
            "/api/v1" + path, params or {}, headers=self.headers(headers, secret)
        )

    def send(self, method, path, body=None, headers=None, secret=None):
        return getattr(self.client, method)(
            "/api/v1" + path,
            json.dumps(body or {}),
            content_type="application/json",
            headers=self.headers(headers, secret),
        )

    def post(self, path, body=None, **kwargs):
        return self.send("post", path, body, **kwargs)

    def patch(self, path, body=None, **kwargs):
        return self.send("patch", path, body, **kwargs)


def issue(user, scope="write", name="PSA sync"):
    return ApiToken.issue(user=user, name=name, scope=scope)[1]


@pytest.fixture
def write_secret(partner_user):
    return issue(partner_user)


@pytest.fixture
def read_secret(partner_user):
    return issue(partner_user, scope="read", name="Reporting")


@pytest.fixture
def api(client, write_secret):
    return Api(client, write_secret)


@pytest.fixture
def azure(db):
    product = make_product("Microsoft Azure", Platform.AZURE)
    root, _type, leaf = make_topic_path(
        Tree.AZURE, "Virtual Machines", "Connectivity", "Cannot connect with RDP"
    )
    root.product = product
    root.save()
    advisory = make_topic_path(
        Tree.AZURE,
        "Virtual Machines",
        "Advisory",
        "Architecture review",
        routes_to="partner_programme",
    )[-1]
    return {"product": product, "leaf": leaf, "advisory": advisory, "root": root}


@pytest.fixture
def subscription(partner_user):
    subscription = AzureSubscription.objects.create(name="Prod", owner_partner=partner_user.partner)
    SubscriptionRole.objects.create(
        subscription=subscription, user=partner_user, role="service_admin"
    )
    return subscription


@pytest.fixture
def contract(partner_user):
    return make_contract(partner_user.partner, register_to=partner_user, units=2)


def azure_request(azure, subscription, contract=None, **overrides):
    body = {
        "title": "VM unreachable",
        "description": "RDP times out since this morning.",
        "severity": "B",
        "supportTopicId": azure["leaf"].pk,
        "primaryContact": CONTACT,
        "azureSubscriptionId": str(subscription.subscription_id),
    }
    if contract is not None:
        body["contractId"] = contract.contract_id
    body.update(overrides)
    return body
