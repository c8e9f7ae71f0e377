"""CSP service requests on behalf of a customer (SPEC §4.4, seeds 001/004)."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from contracts.models import Platform, Product
from incidents.csp import CSP_SUPPORT_PLAN, CspRefusal, RequestType, submit_csp_request
from incidents.models import Channel, Incident, MarketplaceProduct
from partners.models import (
    AzureSubscription,
    CspRole,
    Customer,
    CustomerPartner,
    CustomerRelationship,
    ServiceHealthEvent,
)
from tests.builders import make_contract, make_partner, make_product, make_user

START = reverse("incidents:csp")


# --- builders for this module -----------------------------------------------------


def make_customer(partner, relationship=CustomerRelationship.PROVIDER, name="Woodgrove Bank"):
    customer = Customer.objects.create(
        name=name, tenant_domain=f"{name.lower().replace(' ', '')}.onmicrosoft.com"
    )
    CustomerPartner.objects.create(customer=customer, partner=partner, relationship=relationship)
    return customer


def make_subscription(customer, provider, name="Production"):
    return AzureSubscription.objects.create(name=name, owner_customer=customer, provider=provider)


@pytest.fixture
def csp_partner(partner):
    partner.csp_role = CspRole.DIRECT_PROVIDER
    partner.save()
    return partner


@pytest.fixture
def reseller_setup(db):
    """A customer provided by a distributor and sold by an indirect reseller."""
    distributor = make_partner("Tailspin Distribution", csp_role=CspRole.INDIRECT_PROVIDER)
    reseller = make_partner("Litware Reseller", csp_role=CspRole.INDIRECT_RESELLER)
    customer = make_customer(distributor, CustomerRelationship.PROVIDER)
    CustomerPartner.objects.create(
        customer=customer, partner=reseller, relationship=CustomerRelationship.RESELLER
    )
    subscription = make_subscription(customer, provider=distributor)
    return {
        "distributor": distributor,
        "distributor_user": make_user(distributor, username="dist"),
        "reseller": reseller,
        "reseller_user": make_user(reseller, username="resell"),
        "customer": customer,
        "subscription": subscription,
    }


def customer_url(customer, service=None):
    url = reverse("incidents:csp_customer", args=[customer.pk])
    return f"{url}?service={service}" if service else url


def request_data(service, *, subscription=None, request_type="technical", **extra):
    data = {
        "service": service,
        "request_type": request_type,
        "title": "Mailbox migration fails",
        "description": "The migration batch stops at 40%.",
        "severity": "B",
        "contact_name": "Anna Partner",
        "contact_email": "anna@contoso-cloud.example",
        "contact_phone": "+36 1 555 0100",
        "time_zone": "Europe/Budapest",
        "submission_key": str(uuid.uuid4()),
    }
    if subscription is not None:
        data["subscription"] = subscription.pk
    data.update(extra)
    return data


# --- who may use it ----------------------------------------------------------------


def test_it_asks_anonymous_visitors_to_sign_in(client, db):
    assert "/accounts/login/" in client.get(START)["Location"]


def test_a_partner_without_a_csp_role_is_refused_clearly(partner_client, partner):
    customer = make_customer(partner)
    response = partner_client.get(START)
    assert response.status_code == 403
    assert "no Cloud Solution Provider role" in response.content.decode()
    assert partner_client.get(customer_url(customer)).status_code == 403
    response = partner_client.post(customer_url(customer), request_data("office365"))
    assert response.status_code == 403
    assert Incident.objects.count() == 0


def test_users_without_a_partner_are_refused(client, engineer):
    client.force_login(engineer)
    response = client.get(START)
    assert response.status_code == 403
    assert "not linked to a partner" in response.content.decode()


@pytest.mark.parametrize("role", [c for c in CspRole if c != CspRole.NONE])
def test_every_csp_role_may_start(client, db, role):
    partner = make_partner(csp_role=role)
    make_customer(partner)
    client.force_login(make_user(partner))
    response = client.get(START)
    assert response.status_code == 200
    assert "Woodgrove Bank" in response.content.decode()


def test_it_lists_only_the_partners_own_customers(partner_client, csp_partner, other_partner):
    mine = make_customer(csp_partner, name="Woodgrove Bank")
    theirs = make_customer(other_partner, name="Northwind Traders")
    response = partner_client.get(START)
    assert [link.customer for link in response.context["links"]] == [mine]
    assert "Northwind Traders" not in response.content.decode()
    assert partner_client.get(customer_url(theirs)).status_code == 404


def test_start_and_customer_pages_refuse_other_methods(partner_client, csp_partner):
    customer = make_customer(csp_partner)
    assert partner_client.post(START).status_code == 405
    assert partner_client.put(customer_url(customer)).status_code == 405


# --- service health first ------------------------------------------------------------


def test_the_customer_page_shows_service_health_first_with_open_events_highlighted(
    partner_client, csp_partner
):
    customer = make_customer(csp_partner)
    now = timezone.now()
    ServiceHealthEvent.objects.create(
        customer=customer,
        service=ServiceHealthEvent.Service.OFFICE365,
        status=ServiceHealthEvent.Status.INCIDENT,
        title="Exchange Online mail delays",
        started_at=now,
    )
    ServiceHealthEvent.objects.create(
        customer=customer,
        service=ServiceHealthEvent.Service.AZURE,
        status=ServiceHealthEvent.Status.RESOLVED,
        title="Storage latency",
        started_at=now - timezone.timedelta(days=2),
        resolved_at=now - timezone.timedelta(days=1),
    )
    make_customer(csp_partner, name="Other Customer")
    response = partner_client.get(customer_url(customer))
    body = response.content.decode()
    assert response.context["open_events"] == 1
    assert body.index("Service health") < body.index("Which service")
    assert "Exchange Online mail delays" in body and "Storage latency" in body
    assert body.index("Exchange Online mail delays") < body.index("Storage latency")
    assert "health-open" in body
    assert "1 open service health event may explain the problem" in body
    assert response.context["form"] is None  # no request form before a service is chosen


def test_another_customers_health_is_not_shown(partner_client, csp_partner):
    customer = make_customer(csp_partner)
    other = make_customer(csp_partner, name="Other Customer")
    ServiceHealthEvent.objects.create(
        customer=other, service="azure", status="incident", title="Not yours"
    )
    assert "Not yours" not in partner_client.get(customer_url(customer)).content.decode()


# --- services ------------------------------------------------------------------------------


def test_it_offers_the_four_cloud_services(partner_client, csp_partner):
    customer = make_customer(csp_partner)
    response = partner_client.get(customer_url(customer))
    assert [label for _, label in response.context["services"]] == [
        "Microsoft Azure",
        "Office 365",
        "Dynamics CRM Online",
        "Enterprise Mobility Suite",
    ]


@pytest.mark.parametrize(
    "service, platform",
    [
        ("office365", Platform.OFFICE365),
        ("dynamics", Platform.DYNAMICS),
        ("ems", Platform.EMS),
    ],
)
def test_a_request_for_a_cloud_service_is_raised_for_the_customer(
    partner_client, partner_user, csp_partner, service, platform, django_capture_on_commit_callbacks
):
    customer = make_customer(csp_partner)
    response = partner_client.get(customer_url(customer, service))
    assert "subscription" not in response.context["form"].fields
    with django_capture_on_commit_callbacks(execute=True):
        response = partner_client.post(customer_url(customer), request_data(service))
    incident = Incident.objects.get()
    assert response["Location"] == reverse("incidents:confirmation", args=[incident.number])
    assert incident.channel == Channel.CSP
    assert incident.customer == customer
    assert incident.partner == csp_partner
    assert incident.product.platform == platform
    assert incident.contract is None and not incident.unit_consumed
    assert incident.contact_email == "anna@contoso-cloud.example"
    assert [m.to for m in mail.outbox] == [["anna@contoso-cloud.example"]]
    # The confirmation and its e-mail name the customer (issue 20).
    assert "Customer: Woodgrove Bank" in mail.outbox[0].body
    page = partner_client.get(response["Location"])
    assert page.status_code == 200
    assert re.search(r'data-testid="customer">Woodgrove Bank<', page.content.decode())


def test_missing_cloud_products_are_created_by_slug_and_reused(partner_user, csp_partner):
    customer = make_customer(csp_partner)
    assert not Product.objects.filter(platform=Platform.DYNAMICS).exists()
    for _ in range(2):
        submit_csp_request(
            user=partner_user,
            customer=customer,
            platform=Platform.DYNAMICS,
            request_type=RequestType.TECHNICAL,
            title="t",
            description="d",
            severity="C",
            contact_name="Anna",
            contact_email="anna@contoso-cloud.example",
        )
    product = Product.objects.get(platform=Platform.DYNAMICS)
    assert product.slug == "dynamics-crm-online"


def test_an_existing_catalogue_product_is_used(partner_user, csp_partner):
    azure = make_product("Microsoft Azure", Platform.AZURE)
    customer = make_customer(csp_partner)
    subscription = make_subscription(customer, csp_partner)
    incident = submit_csp_request(
        user=partner_user,
        customer=customer,
        platform=Platform.AZURE,
        request_type=RequestType.TECHNICAL,
        subscription=subscription,
        title="t",
        description="d",
        severity="C",
        contact_name="Anna",
        contact_email="anna@contoso-cloud.example",
    )
    assert incident.product == azure


# --- Azure -------------------------------------------------------------------------------


def test_an_azure_request_uses_the_cloud_solution_provider_plan(partner_client, csp_partner):
    customer = make_customer(csp_partner)
    subscription = make_subscription(customer, csp_partner)
    make_subscription(make_customer(csp_partner, name="Other"), csp_partner, name="Not theirs")
    response = partner_client.get(customer_url(customer, "azure"))
    assert list(response.context["form"].fields["subscription"].queryset) == [subscription]
    assert 'data-testid="support-plan">Cloud Solution Provider<' in response.content.decode()
    partner_client.post(customer_url(customer), request_data("azure", subscription=subscription))
    incident = Incident.objects.get()
    assert incident.support_plan == CSP_SUPPORT_PLAN == "Cloud Solution Provider"
    assert incident.subscription == subscription
    assert incident.product.platform == Platform.AZURE


def test_an_azure_request_needs_the_customers_subscription(partner_client, csp_partner):
    customer = make_customer(csp_partner)
    response = partner_client.post(customer_url(customer), request_data("azure"))
    assert "subscription" in response.context["form"].errors
    assert Incident.objects.count() == 0


def test_the_form_names_who_may_open_non_technical_azure_requests(client, reseller_setup):
    client.force_login(reseller_setup["reseller_user"])
    response = client.get(customer_url(reseller_setup["customer"], "azure"))
    body = response.content.decode()
    assert "Only the provider of the customer&#x27;s Azure subscription, Tailspin Distribution" in (
        body
    )


def test_an_indirect_reseller_may_not_open_a_non_technical_azure_request(client, reseller_setup):
    client.force_login(reseller_setup["reseller_user"])
    customer = reseller_setup["customer"]
    response = client.post(
        customer_url(customer),
        request_data(
            "azure", subscription=reseller_setup["subscription"], request_type="non_technical"
        ),
    )
    assert response.status_code == 200
    errors = str(response.context["form"].non_field_errors())
    assert "Only the subscription&#x27;s provider, Tailspin Distribution" in errors
    assert Incident.objects.count() == 0
    # The refusal is said once (issue 20: it was in the summary, under the field and again).
    body = response.content.decode()
    assert body.count("Ask Tailspin Distribution to open it") == 1
    summary = body[body.index('class="error-summary"') :]
    assert "Ask Tailspin Distribution to open it" in summary[: summary.index("</div>")]


def test_an_advisor_may_not_open_a_non_technical_azure_request(client, reseller_setup):
    advisor = make_partner("Adatum Advisors", csp_role=CspRole.ADVISOR)
    CustomerPartner.objects.create(
        customer=reseller_setup["customer"],
        partner=advisor,
        relationship=CustomerRelationship.ADVISOR,
    )
    client.force_login(make_user(advisor))
    client.post(
        customer_url(reseller_setup["customer"]),
        request_data(
            "azure", subscription=reseller_setup["subscription"], request_type="non_technical"
        ),
    )
    assert Incident.objects.count() == 0


def test_the_subscription_provider_may_open_a_non_technical_azure_request(client, reseller_setup):
    client.force_login(reseller_setup["distributor_user"])
    response = client.post(
        customer_url(reseller_setup["customer"]),
        request_data(
            "azure",
            subscription=reseller_setup["subscription"],
            request_type="non_technical",
            contact_email="dist@tailspin.example",
        ),
    )
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert incident.facts["request_type"] == "non_technical"
    assert incident.partner == reseller_setup["distributor"]


def test_an_indirect_reseller_may_open_a_technical_azure_request(client, reseller_setup):
    client.force_login(reseller_setup["reseller_user"])
    response = client.post(
        customer_url(reseller_setup["customer"]),
        request_data(
            "azure",
            subscription=reseller_setup["subscription"],
            contact_email="me@litware.example",
        ),
    )
    assert response.status_code == 302
    assert Incident.objects.get().partner == reseller_setup["reseller"]


def test_a_reseller_may_open_a_non_technical_office_365_request(client, reseller_setup):
    client.force_login(reseller_setup["reseller_user"])
    response = client.post(
        customer_url(reseller_setup["customer"]),
        request_data("office365", request_type="non_technical", contact_email="me@litware.example"),
    )
    assert response.status_code == 302
    assert Incident.objects.get().support_plan == ""


def test_the_service_refuses_a_non_technical_azure_request_from_a_reseller(reseller_setup):
    with pytest.raises(CspRefusal, match="Tailspin Distribution"):
        submit_csp_request(
            user=reseller_setup["reseller_user"],
            customer=reseller_setup["customer"],
            platform=Platform.AZURE,
            request_type=RequestType.NON_TECHNICAL,
            subscription=reseller_setup["subscription"],
            title="Invoice question",
            description="d",
            severity="C",
            contact_name="R",
            contact_email="r@litware.example",
        )
    assert Incident.objects.count() == 0


# --- contact details are the partner's -------------------------------------------------------


def test_the_form_says_and_prefills_the_partners_contact_details(
    partner_client, partner_user, csp_partner
):
    customer = make_customer(csp_partner)
    response = partner_client.get(customer_url(customer, "office365"))
    form = response.context["form"]
    assert form.initial["contact_email"] == partner_user.email
    assert form.initial["contact_name"] == partner_user.get_full_name()
    body = response.content.decode()
    assert 'data-testid="partner-contact-note"' in body
    assert "not those of Woodgrove Bank" in body


def test_the_customers_e_mail_address_is_refused_as_contact(partner_client, csp_partner):
    customer = make_customer(csp_partner)
    response = partner_client.post(
        customer_url(customer),
        request_data("office365", contact_email="it@woodgrovebank.onmicrosoft.com"),
    )
    assert "not the customer" in str(response.context["form"].errors["contact_email"])
    assert Incident.objects.count() == 0


def test_24x7_only_with_severity_a(partner_client, csp_partner):
    customer = make_customer(csp_partner)
    response = partner_client.post(
        customer_url(customer), request_data("office365", severity="C", is_24x7="on")
    )
    assert "is_24x7" in response.context["form"].errors
    partner_client.post(
        customer_url(customer), request_data("office365", severity="A", is_24x7="on")
    )
    assert Incident.objects.get().is_24x7


def test_a_repeated_post_creates_one_request(partner_client, csp_partner):
    customer = make_customer(csp_partner)
    data = request_data("office365")
    first = partner_client.post(customer_url(customer), data)
    second = partner_client.post(customer_url(customer), data)
    assert Incident.objects.count() == 1
    assert first["Location"] == second["Location"]


# --- own tenant ------------------------------------------------------------------------------


def test_the_own_tenant_is_refused_with_the_other_plans_and_links(partner_client, csp_partner):
    response = partner_client.get(reverse("incidents:csp_own_tenant"))
    body = response.content.decode()
    assert "does not cover your own partner tenant" in body
    for plan in ("Partner Network contract ID", "Premier", "Azure support plan"):
        assert plan in body
    assert 'data-testid="other-plans"' in body
    assert reverse("incidents:business") in body
    assert reverse("incidents:csp_own_tenant") in partner_client.get(START).content.decode()


def test_the_service_refuses_the_partners_own_subscription(partner_user, csp_partner):
    customer = make_customer(csp_partner)
    own = AzureSubscription.objects.create(name="Our own", owner_partner=csp_partner)
    with pytest.raises(CspRefusal, match="does not cover your own partner tenant"):
        submit_csp_request(
            user=partner_user,
            customer=customer,
            platform=Platform.AZURE,
            request_type=RequestType.TECHNICAL,
            subscription=own,
            title="t",
            description="d",
            severity="B",
            contact_name="A",
            contact_email="a@contoso-cloud.example",
        )


def test_the_service_refuses_a_customer_that_is_not_the_partners(partner_user, csp_partner):
    stranger = Customer.objects.create(name="Stranger", tenant_domain="stranger.example")
    with pytest.raises(CspRefusal):
        submit_csp_request(
            user=partner_user,
            customer=stranger,
            platform=Platform.OFFICE365,
            request_type=RequestType.TECHNICAL,
            title="t",
            description="d",
            severity="B",
            contact_name="A",
            contact_email="a@contoso-cloud.example",
        )


def test_the_service_refuses_partners_without_a_csp_role(partner_user, partner):
    customer = make_customer(partner)
    with pytest.raises(CspRefusal, match="no Cloud Solution Provider role"):
        submit_csp_request(
            user=partner_user,
            customer=customer,
            platform=Platform.OFFICE365,
            request_type=RequestType.TECHNICAL,
            title="t",
            description="d",
            severity="B",
            contact_name="A",
            contact_email="a@contoso-cloud.example",
        )


# --- commercial marketplace --------------------------------------------------------------------


def test_a_marketplace_product_shows_the_isv_support_details_instead_of_a_form(
    partner_client, csp_partner
):
    customer = make_customer(csp_partner)
    product = MarketplaceProduct.objects.create(
        name="Contoso Backup",
        isv_name="Contoso ISV Ltd",
        support_url="https://support.contoso-isv.example/",
        support_email="help@contoso-isv.example",
        support_phone="+1 425 555 0199",
    )
    response = partner_client.get(customer_url(customer, f"mp-{product.pk}"))
    body = response.content.decode()
    assert response.context["form"] is None
    assert 'data-testid="isv-support"' in body
    for detail in (
        "Contoso ISV Ltd",
        "https://support.contoso-isv.example/",
        "help@contoso-isv.example",
        "+1 425 555 0199",
    ):
        assert detail in body
    assert '<a href="tel:+14255550199">+1 425 555 0199</a>' in body  # callable from a phone
    assert 'data-testid="submit-request"' not in body
    response = partner_client.post(customer_url(customer), {"service": f"mp-{product.pk}"})
    assert response.status_code == 302
    assert Incident.objects.count() == 0


def test_the_signature_cloud_contract_is_not_used_for_csp_requests(
    partner_client, partner_user, csp_partner
):
    contract = make_contract(csp_partner, register_to=partner_user)
    customer = make_customer(csp_partner)
    partner_client.post(customer_url(customer), request_data("office365"))
    contract.refresh_from_db()
    assert contract.units_used == 0
    assert Incident.objects.get().contract is None


def test_partner_names_in_the_provider_sentence_are_escaped(client, db):
    provider = make_partner("<b>Evil</b> Provider", csp_role=CspRole.DIRECT_PROVIDER)
    reseller = make_partner("Reseller", csp_role=CspRole.INDIRECT_RESELLER)
    customer = make_customer(provider)
    CustomerPartner.objects.create(
        customer=customer, partner=reseller, relationship=CustomerRelationship.RESELLER
    )
    make_subscription(customer, provider)
    client.force_login(make_user(reseller))
    body = client.get(customer_url(customer, "azure")).content.decode()
    assert "<b>Evil</b>" not in body
    assert "&lt;b&gt;Evil&lt;/b&gt; Provider" in body


def test_a_non_technical_request_is_not_break_fix(partner_client, csp_partner):
    customer = make_customer(csp_partner)
    partner_client.post(customer_url(customer), request_data("ems", request_type="non_technical"))
    incident = Incident.objects.get()
    assert incident.facts == {
        "request_type": "non_technical",
        "customer_tenant": "woodgrovebank.onmicrosoft.com",
    }
    assert incident.status == "submitted"
    assert incident.response_due_at is not None


def test_an_unknown_service_shows_no_form(partner_client, csp_partner):
    customer = make_customer(csp_partner)
    response = partner_client.get(customer_url(customer, "mp-999"))
    assert response.context["form"] is None
    assert response.context["marketplace"] is None
    response = partner_client.post(customer_url(customer), request_data("nonsense"))
    assert response.status_code == 302
    assert Incident.objects.count() == 0


def test_a_subscription_of_another_customer_is_refused(partner_client, csp_partner):
    customer = make_customer(csp_partner)
    other = make_customer(csp_partner, name="Other")
    foreign = make_subscription(other, csp_partner)
    response = partner_client.post(
        customer_url(customer), request_data("azure", subscription=foreign)
    )
    assert "subscription" in response.context["form"].errors
    assert Incident.objects.count() == 0
