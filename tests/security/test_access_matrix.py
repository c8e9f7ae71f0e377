"""The access matrix (issue 9 §1).

Every URL pattern of the project is enumerated from the resolver — not from a
hand-kept list — and must have a rule in RULES; a new URL without a rule fails
``test_every_url_pattern_has_an_access_rule``. For each rule the suite checks:
anonymous → log-in; a user of another partner → 404 for objects; a partner on
engineer or staff pages → refused; a GET never changes state (405 on
state-changing URLs); and the object is unchanged after a refused request.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from api.models import ApiToken
from contracts.models import ActivationRequest, Contract, RoutedTo
from drafts.models import Draft
from incidents.models import Attachment, HistoryEvent, Incident, IncidentContact, Message, Topic
from incidents.services import IncidentDraft, save_attachment, submit_incident
from partners.models import CspRole, Customer, CustomerPartner
from purchases.models import Order
from tests.builders import make_topic_path, make_user


def _walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            if namespace and ns:
                ns = f"{namespace}:{ns}"
            yield from _walk(pattern.url_patterns, ns or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


ALL_URL_NAMES = sorted(set(_walk(get_resolver().url_patterns)))
APP_URL_NAMES = [name for name in ALL_URL_NAMES if not name.startswith("admin:")]
ADMIN_URL_NAMES = [name for name in ALL_URL_NAMES if name.startswith("admin:")]


@dataclass(frozen=True)
class Rule:
    """Who may open a URL.

    audience: public | login (any signed-in user) | partner | engineer | staff
    obj: the kind of object in the URL, when it belongs to one partner
    post_only: the URL changes state, so GET must answer 405
    """

    audience: str
    obj: str | None = None
    post_only: bool = False
    method: str = "get"  # API v1 (audience "token"): the method the matrix sends


RULES: dict[str, Rule] = {
    "login": Rule("public"),
    # Load-balancer probes (portal/health.py): plain text, no session, no data.
    "healthz": Rule("public"),
    "readyz": Rule("public"),
    "logout": Rule("login", post_only=True),
    "set_language": Rule("public"),
    "home": Rule("login"),
    "partners:profile": Rule("partner"),
    "contracts:benefits": Rule("partner"),
    "contracts:register": Rule("partner"),
    "contracts:activation": Rule("partner"),
    "contracts:activation_sent": Rule("partner", obj="activation"),
    # Catalogue look-ups for the dependent lists: not partner data.
    "incidents:topic_children": Rule("login", obj="topic"),
    "incidents:business_versions": Rule("login", obj="onprem_root"),
    "incidents:business_articles": Rule("login"),
    "incidents:confirmation": Rule("partner", obj="incident"),
    "incidents:office365": Rule("partner"),
    "incidents:azure": Rule("partner"),
    "incidents:business": Rule("partner"),
    "incidents:csp": Rule("partner"),
    "incidents:csp_own_tenant": Rule("partner"),
    "incidents:csp_customer": Rule("partner", obj="customer"),
    "incidents:manage_list": Rule("partner"),
    "incidents:manage_detail": Rule("partner", obj="incident"),
    "incidents:manage_message": Rule("partner", obj="incident", post_only=True),
    "incidents:manage_attach": Rule("partner", obj="incident", post_only=True),
    "incidents:manage_add_contact": Rule("partner", obj="incident", post_only=True),
    "incidents:attachment": Rule("partner", obj="attachment"),
    "incidents:queue": Rule("engineer"),
    "incidents:queue_detail": Rule("engineer", obj="incident"),
    "incidents:queue_action": Rule("engineer", obj="incident", post_only=True),
    # Pay-per-incident (issue 19): an order is its buyer's; the payment provider's
    # callbacks are public (the test provider's changes nothing, Stripe's is signed).
    "purchases:buy": Rule("partner"),
    "purchases:review": Rule("partner"),
    "purchases:pay": Rule("partner", obj="order"),
    "purchases:order": Rule("partner", obj="order"),
    "process_payment": Rule("public"),
    "static_process_payment": Rule("public"),
    "incidents:queue_bulk": Rule("engineer", post_only=True),
    "incidents:queue_export": Rule("engineer"),
    "incidents:saved_views": Rule("engineer"),
    "incidents:dashboard": Rule("engineer"),
    "incidents:saved_view_save": Rule("engineer", post_only=True),
    "incidents:saved_view_delete": Rule("engineer", post_only=True),
    # A saved wizard draft is private to its user (not even shared within the partner).
    "drafts:discard": Rule("partner", obj="draft", post_only=True),
    # API tokens (issue 22): the page is the partner's; the docs and the schema are public.
    "api_tokens": Rule("partner"),
    "api_token_revoke": Rule("partner", obj="token", post_only=True),
    "api_docs": Rule("public"),
    "api-v1:openapi-json": Rule("public"),
    "api-v1:api-root": Rule("public"),  # an empty prefix: 404
    # API v1: a bearer token only (401 without one, never a redirect to log-in).
    "api-v1:list_service_requests": Rule("token"),
    "api-v1:create": Rule("token", method="post"),
    "api-v1:get_service_request": Rule("token", obj="incident"),
    "api-v1:update_service_request": Rule("token", obj="incident", method="patch"),
    "api-v1:upload_attachments": Rule("token", obj="incident", method="post"),
    "api-v1:download_attachment": Rule("token", obj="attachment"),
    "api-v1:support_topics": Rule("token"),
    "api-v1:contracts": Rule("token"),
    "api-v1:customer_requests": Rule("token", obj="customer"),
    "api-v1:create_customer_request": Rule("token", obj="customer", method="post"),
}


def test_every_url_pattern_has_an_access_rule():
    missing = [name for name in APP_URL_NAMES if name not in RULES]
    assert not missing, f"URL patterns without an access rule in RULES: {missing}"
    stale = [name for name in RULES if name not in APP_URL_NAMES]
    assert not stale, f"RULES name URLs that no longer exist: {stale}"


@pytest.fixture
def world(partner_user, other_user, engineer, staff, settings, tmp_path):
    """Partner A (partner_user) owns every object; partner B (other_user) owns nothing of it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    partner = partner_user.partner
    partner.csp_role = CspRole.INDIRECT_RESELLER
    partner.save()
    # B is a CSP partner too, so a refusal of A's customer is about the object, not the role.
    other_user.partner.csp_role = CspRole.INDIRECT_RESELLER
    other_user.partner.save()
    partner_user.partner_role = partner_user.PartnerRole.GLOBAL_ADMIN
    partner_user.save()
    incident = submit_incident(
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
    upload = SimpleUploadedFile("trace.txt", b"log line", content_type="text/plain")
    upload.content_type = "text/plain"
    attachment = save_attachment(incident, upload, partner_user)
    activation = ActivationRequest.objects.create(
        partner=partner,
        location=partner.headquarters,
        requested_by=partner_user,
        routed_to=RoutedTo.REGIONAL_SERVICE_CENTER,
        contact_name="Anna",
        company=partner.name,
        membership_email=partner.membership_email,
        phone="+3612345678",
        partner_number=partner.partner_number,
    )
    customer = Customer.objects.create(name="Tailspin", tenant_domain="tailspin.example")
    CustomerPartner.objects.create(customer=customer, partner=partner, relationship="reseller")
    token = ApiToken.issue(user=partner_user, name="PSA", scope="write")[0]
    topic = make_topic_path("office365", "Technical", "Exchange Online")[0]
    onprem_root = make_topic_path("onprem", "Windows Server", product=_product())[0]
    order = _order(partner_user)
    draft = Draft.objects.create(user=partner_user, wizard="wizard_office365_wizard", state={})
    return {
        "draft": draft,
        "a": partner_user,
        "b": other_user,
        "engineer": engineer,
        "staff": staff,
        "incident": incident,
        "attachment": attachment,
        "activation": activation,
        "customer": customer,
        "topic": topic,
        "onprem_root": onprem_root,
        "order": order,
        "token": token,
    }


def _order(user):
    from purchases.models import Payment

    order = Order.objects.create(
        checkout_key=uuid.uuid4(),
        partner=user.partner,
        buyer=user,
        product=_product(),
        quantity=1,
        total="459.00",
        currency="EUR",
    )
    Payment.objects.create(order=order, variant="test", total=order.total, currency="EUR")
    return order


def _product():
    from tests.builders import make_product

    return make_product("Windows Server", platform="onprem", slug="windows-server")


def url_for(name: str, world) -> str:
    rule = RULES[name]
    if rule.audience == "token":
        return api_url_for(name, world)
    kwargs = {}
    if rule.obj == "incident":
        kwargs["number"] = world["incident"].number
    elif rule.obj == "order":
        kwargs["public_id"] = world["order"].public_id
    elif rule.obj:
        kwargs["pk"] = world[rule.obj].pk
    if name == "incidents:queue_action":
        kwargs["action"] = "take"
    if name == "incidents:saved_view_delete":
        kwargs["pk"] = 1  # a saved view is private to its engineer: see test_queue_saved.py
    if name == "process_payment":  # the payment provider's callback: an unknown payment
        kwargs["token"] = "00000000-0000-4000-8000-000000000000"
    if name == "static_process_payment":
        kwargs["variant"] = "default"
    return reverse(name, kwargs=kwargs)


def snapshot(world) -> tuple:
    """Everything a refused request could have changed."""
    incident = Incident.objects.get(pk=world["incident"].pk)
    return (
        incident.status,
        incident.owner_id,
        incident.first_response_at,
        Message.objects.count(),
        Attachment.objects.count(),
        IncidentContact.objects.count(),
        HistoryEvent.objects.count(),
        ActivationRequest.objects.count(),
        Topic.objects.count(),
        Order.objects.count(),
        Contract.objects.count(),
        Draft.objects.count(),
        Incident.objects.count(),
        ApiToken.objects.filter(revoked_at__isnull=False).count(),
    )


def request(client, name, world, method=None):
    rule = RULES[name]
    method = method or ("post" if rule.post_only else "get")
    url = url_for(name, world)
    return getattr(client, method)(url)


PROTECTED = [
    name
    for name in APP_URL_NAMES
    if RULES.get(name, Rule("public")).audience not in ("public", "token")
]
OBJECT_URLS = [
    name
    for name in APP_URL_NAMES
    if RULES.get(name) and RULES[name].obj and RULES[name].audience == "partner"
]
ENGINEER_URLS = [name for name in APP_URL_NAMES if RULES.get(name, Rule("")).audience == "engineer"]
POST_ONLY = [name for name in APP_URL_NAMES if RULES.get(name, Rule("")).post_only]
GET_PAGES = [
    name
    for name in APP_URL_NAMES
    if name in RULES and not RULES[name].post_only and RULES[name].audience in ("partner", "login")
]


@pytest.mark.parametrize("name", PROTECTED)
def test_anonymous_visitors_are_sent_to_log_in(client, world, name):
    before = snapshot(world)
    response = request(client, name, world)
    if RULES[name].post_only and response.status_code == 405:
        # require_POST runs before login_required for a GET; a POST must still log in.
        response = request(client, name, world, method="post")
    assert response.status_code == 302, (name, response.status_code)
    assert response["Location"].startswith("/accounts/login/"), response["Location"]
    assert snapshot(world) == before


@pytest.mark.parametrize("name", OBJECT_URLS)
def test_a_user_of_another_partner_gets_404_and_changes_nothing(client, world, name):
    client.force_login(world["b"])
    before = snapshot(world)
    response = request(client, name, world)
    assert response.status_code == 404, (name, response.status_code)
    assert snapshot(world) == before


@pytest.mark.parametrize("name", OBJECT_URLS)
def test_the_owning_partner_user_may_open_their_objects(client, world, name):
    client.force_login(world["a"])
    if RULES[name].post_only:
        return  # state-changing: covered by the features' own tests
    response = request(client, name, world)
    assert response.status_code == 200, (name, response.status_code)


@pytest.mark.parametrize("name", ENGINEER_URLS)
def test_a_partner_on_engineer_pages_is_refused_and_changes_nothing(client, world, name):
    client.force_login(world["a"])
    before = snapshot(world)
    response = request(client, name, world)
    assert response.status_code in (403, 404), (name, response.status_code)
    assert snapshot(world) == before


@pytest.mark.parametrize("name", ENGINEER_URLS)
def test_an_engineer_may_open_engineer_pages(client, world, name):
    client.force_login(world["engineer"])
    if RULES[name].post_only:
        return
    assert request(client, name, world).status_code == 200


@pytest.mark.parametrize("name", POST_ONLY)
def test_a_get_never_changes_state(client, world, name):
    user = world["engineer"] if RULES[name].audience == "engineer" else world["a"]
    client.force_login(user)
    before = snapshot(world)
    response = request(client, name, world, method="get")
    assert response.status_code == 405, (name, response.status_code)
    assert snapshot(world) == before


@pytest.mark.parametrize("name", GET_PAGES)
def test_pages_answer_the_signed_in_partner(client, world, name):
    client.force_login(world["a"])
    response = request(client, name, world)
    assert response.status_code in (200, 302), (name, response.status_code)
    if response.status_code == 302:
        assert "/accounts/login/" not in response["Location"]


@pytest.mark.parametrize("who", ["anonymous", "a", "engineer"])
def test_the_admin_refuses_everyone_but_staff(client, world, who):
    if who != "anonymous":
        client.force_login(world[who])
    for name in (
        "admin:index",
        "admin:incidents_incident_changelist",
        "admin:partners_partner_changelist",
        "admin:contracts_contract_changelist",
        "admin:notifications_outgoingemail_changelist",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 302, (who, name)
        assert response["Location"].startswith(reverse("admin:login"))
    change = reverse("admin:incidents_incident_change", args=[world["incident"].pk])
    assert client.get(change).status_code == 302
    assert client.post(change, {"status": "closed"}).status_code == 302
    assert Incident.objects.get(pk=world["incident"].pk).status == "submitted"


def test_staff_may_open_the_admin(client, world):
    client.force_login(world["staff"])
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_partner_user_is_never_an_admin_user_by_default(world):
    new_user = make_user(world["a"].partner)
    assert not new_user.is_staff and not new_user.is_superuser


# --- API v1 (issue 22): bearer tokens, never the session ------------------------------

TOKEN_URLS = [name for name in APP_URL_NAMES if RULES.get(name, Rule("")).audience == "token"]
TOKEN_OBJECT_URLS = [name for name in TOKEN_URLS if RULES[name].obj]


def api_url_for(name: str, world) -> str:
    obj = RULES[name].obj
    kwargs = {}
    if obj in ("incident", "attachment"):
        kwargs["number"] = world["incident"].number
    if obj == "attachment":
        kwargs["attachment_id"] = world["attachment"].pk
    if obj == "customer":
        kwargs["customer_id"] = world["customer"].pk
    return reverse(name, kwargs=kwargs)


# Valid input, so that the refusal is about the object, not the body.
API_BODIES = {
    "api-v1:create_customer_request": {
        "title": "Licences",
        "description": "No mailbox.",
        "severity": "B",
        "service": "office365",
        "primaryContact": {"name": "B", "email": "b@example.com", "phone": "+36 1 234 5678"},
    },
    "api-v1:update_service_request": {"newNote": "Hello"},
}


def api_request(client, name, world, secret=None):
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    method = RULES[name].method
    if method == "get":
        return client.get(url_for(name, world), headers=headers)
    if name == "api-v1:upload_attachments":
        upload = SimpleUploadedFile("trace.txt", b"log line", content_type="text/plain")
        return client.post(url_for(name, world), {"files": [upload]}, headers=headers)
    return getattr(client, method)(
        url_for(name, world),
        json.dumps(API_BODIES.get(name, {})),
        content_type="application/json",
        headers=headers,
    )


@pytest.mark.parametrize("who", ["anonymous", "a", "engineer"])
@pytest.mark.parametrize("name", TOKEN_URLS)
def test_api_urls_answer_401_without_a_token_even_with_a_session(client, world, name, who):
    if who != "anonymous":
        client.force_login(world[who])
    before = snapshot(world)
    response = api_request(client, name, world)
    assert response.status_code == 401, (name, response.status_code)
    assert response["Content-Type"] == "application/problem+json"
    assert snapshot(world) == before


@pytest.mark.parametrize("name", TOKEN_OBJECT_URLS)
def test_api_another_partners_token_gets_404_and_changes_nothing(client, world, name):
    secret = ApiToken.issue(user=world["b"], name="B", scope="write")[1]
    before = snapshot(world)
    response = api_request(client, name, world, secret)
    assert response.status_code == 404, (name, response.status_code)
    assert snapshot(world) == before


@pytest.mark.parametrize("name", [n for n in TOKEN_URLS if RULES[n].method != "get"])
def test_api_a_read_token_never_writes(client, world, name):
    secret = ApiToken.issue(user=world["a"], name="R", scope="read")[1]
    before = snapshot(world)
    response = api_request(client, name, world, secret)
    assert response.status_code == 403, (name, response.status_code)
    assert snapshot(world) == before


@pytest.mark.parametrize("name", [n for n in TOKEN_URLS if RULES[n].method == "get"])
def test_api_the_owning_partners_token_may_read(client, world, name):
    secret = ApiToken.issue(user=world["a"], name="A", scope="read")[1]
    response = api_request(client, name, world, secret)
    assert response.status_code == 200, (name, response.status_code)
