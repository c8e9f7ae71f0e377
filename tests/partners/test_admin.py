"""Program staff administer partners, people, competencies, eligibility and customers."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners.models import (
    AzureSubscription,
    Competency,
    Customer,
    CustomerPartner,
    CustomerRelationship,
    EligibilityRule,
    Partner,
    ServiceHealthEvent,
    SubscriptionRole,
    User,
)
from portal.lib.i18n import local_date
from tests.builders import make_partner, make_user

MODELS = [
    "partner",
    "competency",
    "eligibilityrule",
    "user",
    "customer",
    "azuresubscription",
    "servicehealthevent",
]


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def catalogue(partner, partner_user):
    """One row of every model administered here."""
    customer = Customer.objects.create(name="Northwind", tenant_domain="northwind.example")
    CustomerPartner.objects.create(
        customer=customer, partner=partner, relationship=CustomerRelationship.RESELLER
    )
    own = AzureSubscription.objects.create(name="Contoso dev", owner_partner=partner)
    customers = AzureSubscription.objects.create(
        name="Northwind prod", owner_customer=customer, provider=partner
    )
    SubscriptionRole.objects.create(
        subscription=own, user=partner_user, role=SubscriptionRole.Role.SERVICE_ADMIN
    )
    SubscriptionRole.objects.create(
        subscription=customers, user=partner_user, role=SubscriptionRole.Role.CO_ADMIN
    )
    event = ServiceHealthEvent.objects.create(
        customer=customer,
        service=ServiceHealthEvent.Service.AZURE,
        status=ServiceHealthEvent.Status.DEGRADED,
        title="Storage latency in West Europe",
    )
    return {
        "partner": partner,
        "competency": Competency.objects.get(name="Cloud Platform"),
        "eligibilityrule": EligibilityRule.objects.get(
            product="azure", competency__name="Cloud Platform"
        ),
        "user": partner_user,
        "customer": customer,
        "azuresubscription": customers,
        "servicehealthevent": event,
    }


@pytest.mark.parametrize("model", MODELS)
def test_staff_can_open_the_changelist(staff_client, catalogue, model):
    response = staff_client.get(reverse(f"admin:partners_{model}_changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


@pytest.mark.parametrize("model", MODELS)
def test_staff_can_open_the_change_form(staff_client, catalogue, model):
    obj = catalogue[model]

    response = staff_client.get(reverse(f"admin:partners_{model}_change", args=[obj.pk]))

    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_staff_can_open_the_add_form(staff_client, db, model):
    response = staff_client.get(reverse(f"admin:partners_{model}_add"))

    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_staff_can_search_every_changelist(staff_client, catalogue, model):
    response = staff_client.get(reverse(f"admin:partners_{model}_changelist"), {"q": "Contoso"})

    assert response.status_code == 200


def test_searching_subscriptions_by_part_of_the_id_finds_them(staff_client, catalogue):
    subscription = catalogue["azuresubscription"]
    fragment = str(subscription.subscription_id)[:8]

    response = staff_client.get(
        reverse("admin:partners_azuresubscription_changelist"), {"q": fragment}
    )

    assert list(response.context["cl"].result_list) == [subscription]


def test_the_partner_page_shows_its_locations_competencies_people_and_subscriptions(
    staff_client, catalogue
):
    partner = catalogue["partner"]

    response = staff_client.get(reverse("admin:partners_partner_change", args=[partner.pk]))

    page = response.content.decode()
    assert "Contoso Cloud HQ" in page
    assert "Cloud Productivity" in page
    assert "anna" in page
    assert "Contoso dev" in page
    assert "Northwind prod" not in page  # a customer's subscription, not the partner's own


def test_the_competency_changelist_shows_the_translated_name_columns(staff_client, db):
    Competency.objects.filter(name="Cloud Platform").update(name_hu="Felhőplatform")

    response = staff_client.get(reverse("admin:partners_competency_changelist"))

    page = response.content.decode()
    assert "Felhőplatform" in page
    for column in ("column-name_hu", "column-name_cs", "column-name_ja", "column-name_ko"):
        assert column in page


def test_the_user_page_edits_the_partner_fields(staff_client, partner, partner_user):
    url = reverse("admin:partners_user_change", args=[partner_user.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        {
            "partner_role": User.PartnerRole.GLOBAL_ADMIN,
            "phone": "+36 1 234 5678",
            "date_joined_0": partner_user.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": partner_user.date_joined.strftime("%H:%M:%S"),
            "last_login_0": "",
            "last_login_1": "",
            "profile_completed_at_0": "",
            "profile_completed_at_1": "",
            "groups": [],
            "user_permissions": [],
        }
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data.pop("profile_completed_at", None)
    data.pop("password", None)

    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    partner_user.refresh_from_db()
    assert partner_user.partner_role == User.PartnerRole.GLOBAL_ADMIN
    assert partner_user.is_partner_admin


def test_staff_editing_an_eligibility_rule_in_admin_changes_the_answer(staff_client, partner):
    rule = EligibilityRule.objects.get(product="azure", competency__name="Cloud Platform")
    assert partner.eligibility_for("azure", on=dt.date(2015, 6, 1)).eligible

    response = staff_client.post(
        reverse("admin:partners_eligibilityrule_change", args=[rule.pk]),
        {
            "product": "azure",
            "competency": rule.competency_id,
            "available_from": "2016-01-01",
            "requires_renewal": "",
            "shown_from": "",
            "note": "Moved by staff",
        },
    )

    assert response.status_code == 302
    answer = partner.eligibility_for("azure", on=dt.date(2015, 6, 1))
    assert not answer.eligible
    assert local_date(dt.date(2016, 1, 1)) in answer.reason


def changelist_queries(client, url) -> int:
    client.get(url)  # the staff user's engineer-group answer is cached from now on
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_partner_changelist_query_count_does_not_grow_with_its_rows(staff_client, db):
    url = reverse("admin:partners_partner_changelist")

    def add_partner():
        partner = make_partner(competencies=["Cloud Platform"])
        make_user(partner, technical_contact=True)

    add_partner()
    with_one = changelist_queries(staff_client, url)
    for _ in range(49):
        add_partner()
    with_fifty = changelist_queries(staff_client, url)

    assert Partner.objects.count() == 50
    assert with_fifty == with_one


def test_the_user_changelist_query_count_does_not_grow_with_its_rows(staff_client, db):
    url = reverse("admin:partners_user_changelist")
    make_user(make_partner())
    with_one = changelist_queries(staff_client, url)
    for _ in range(49):
        make_user(make_partner())

    assert changelist_queries(staff_client, url) == with_one


def test_the_subscription_changelist_query_count_does_not_grow_with_its_rows(staff_client, db):
    url = reverse("admin:partners_azuresubscription_changelist")
    partner = make_partner()

    def add_subscription(n):
        customer = Customer.objects.create(name=f"C{n}", tenant_domain=f"c{n}.example")
        AzureSubscription.objects.create(name=f"S{n}", owner_customer=customer, provider=partner)

    add_subscription(0)
    with_one = changelist_queries(staff_client, url)
    for n in range(1, 50):
        add_subscription(n)

    assert changelist_queries(staff_client, url) == with_one


def test_a_partner_user_is_sent_to_the_admin_login(partner_client):
    url = reverse("admin:partners_partner_changelist")

    response = partner_client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_engineer_is_sent_to_the_admin_login(client, engineer):
    client.force_login(engineer)

    response = client.get(reverse("admin:partners_partner_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_anonymous_visitor_is_sent_to_the_admin_login(client, db):
    response = client.get(reverse("admin:partners_partner_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    "model,field",
    [
        ("partner", "technical_contact"),
        ("user", "partner"),
        ("azuresubscription", "owner_customer"),
        ("partnercompetency", "competency"),
    ],
)
def test_the_autocomplete_lookups_answer(staff_client, catalogue, model, field):
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "partners", "model_name": model, "field_name": field, "term": ""},
    )

    assert response.status_code == 200
    assert response.json()["results"]


def test_the_partner_list_names_the_technical_contact_not_their_user_name(staff_client, db):
    partner = make_partner()
    contact = make_user(partner, username="tcontact", first_name="Réka", last_name="Szabó")
    partner.technical_contact = contact
    partner.save()

    html = staff_client.get(reverse("admin:partners_partner_changelist")).content.decode()

    rows = html[html.index('id="result_list"') :]
    assert "Réka Szabó" in rows and ">tcontact<" not in rows


def test_every_admin_page_loads_the_stylesheet_that_lets_lists_fit(staff_client, db):
    for name in ("partners_partner", "contracts_contract", "incidents_incident"):
        html = staff_client.get(reverse(f"admin:{name}_changelist")).content.decode()
        assert "/static/css/admin.css" in html, name


def test_the_partner_list_shows_the_country_s_name(staff_client, db):
    partner = make_partner()
    partner.country = "HU"
    partner.save()
    html = staff_client.get(reverse("admin:partners_partner_changelist")).content.decode()
    assert '<td class="field-country_name">Hungary</td>' in html
