"""``manage.py load_demo``: idempotent demo data and named log-ins."""

from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from contracts.models import (
    Contract,
    ContractKind,
    ContractRegistration,
    Platform,
    Product,
    ProductVersion,
    RoutedTo,
    activation_route,
)
from demo.data import DEMO_PASSWORD
from incidents.models import (
    Incident,
    MarketplaceProduct,
    RoutedTeam,
    SelfHelpArticle,
    Status,
    Topic,
    Tree,
)
from partners.models import (
    AzureSubscription,
    CspRole,
    CustomerRelationship,
    MembershipLevel,
    ServiceHealthEvent,
    SubscriptionRole,
    User,
)

LOGINS = ["gold", "cloud", "hybrid", "actionpack", "csp", "provider", "engineer", "staff"]


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    counts = {
        model._meta.label: model.objects.count()
        for app in ("partners", "contracts", "incidents", "auth")
        for model in apps.get_app_config(app).get_models()
    }
    return {
        "counts": counts,
        "units": sorted(Contract.objects.values_list("access_id", "units_used", "ends_on")),
        "incidents": sorted(Incident.objects.values_list("number", "status", "owner_id")),
        "passwords": sorted(User.objects.values_list("username", "password")),
    }


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    """Load the demo once for this module, in a transaction rolled back at its end.

    Each test still runs in its own savepoint (the ``db`` fixture), so a test that
    changes rows leaves the next one the freshly loaded demo.
    """
    # The same hasher as the function-scoped settings in tests/conftest.py.
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=hashers):
        with transaction.atomic():
            yield load_demo()
            transaction.set_rollback(True)


@pytest.fixture
def demo(demo_output, db):
    return demo_output


def dump() -> str:
    out = StringIO()
    call_command("dumpdata", "partners", "contracts", "incidents", "auth", stdout=out)
    return out.getvalue()


def test_running_it_twice_changes_nothing_and_does_not_fail(demo):
    first, first_dump = snapshot(), dump()

    second_output = load_demo()

    assert snapshot() == first
    assert dump() == first_dump
    assert second_output == demo


def test_it_prints_every_login_and_the_shared_password(demo):
    assert DEMO_PASSWORD in demo
    for username in LOGINS:
        assert f"  {username} " in demo


@pytest.mark.parametrize("username", LOGINS)
def test_every_demo_login_can_sign_in(client, demo, username):
    assert client.login(username=username, password=DEMO_PASSWORD)


def test_a_user_who_changed_the_password_gets_the_demo_password_back(client, demo):
    user = User.objects.get(username="cloud")
    user.set_password("something-else-entirely")
    user.save()

    load_demo()

    assert client.login(username="cloud", password=DEMO_PASSWORD)


def test_a_profile_the_user_completed_is_kept_by_a_second_run(demo):
    user = User.objects.get(username="gold")
    user.time_zone = "America/New_York"
    user.profile_completed_at = user.date_joined
    user.save()

    load_demo()

    user.refresh_from_db()
    assert user.time_zone == "America/New_York"
    assert user.profile_completed_at is not None


def test_partner_users_meet_the_profile_wizard_at_their_first_login(demo):
    for username in ["gold", "cloud", "hybrid", "actionpack", "csp", "provider"]:
        assert User.objects.get(username=username).needs_profile
    for username in ["engineer", "staff"]:
        assert not User.objects.get(username=username).needs_profile


def test_gold_is_eligible_for_office365_but_not_azure(demo):
    gold = User.objects.get(username="gold")

    assert gold.partner.membership_level == MembershipLevel.GOLD
    assert gold.partner.competencies.get().competency.name == "Cloud Productivity"
    assert gold.is_designated_technical_contact
    assert gold.partner.eligibility_for("office365").eligible
    assert not gold.partner.eligibility_for("azure").eligible


def test_cloud_meets_every_azure_prerequisite(demo):
    cloud = User.objects.get(username="cloud")
    azure = Product.objects.get(slug="microsoft-azure")

    usable, unavailable = Contract.options_for(cloud, azure, kinds=[ContractKind.SIGNATURE_CLOUD])

    assert cloud.is_designated_technical_contact
    assert cloud.partner.eligibility_for("azure").eligible
    assert AzureSubscription.objects.administered_by(cloud).filter(
        roles__user=cloud, roles__role=SubscriptionRole.Role.SERVICE_ADMIN
    )
    assert [o.contract.access_id for o in usable] == ["SCS-CONTOSO-01"]
    assert [o.contract.access_id for o in unavailable] == ["SCS-CONTOSO-00"]
    assert unavailable[0].reason.startswith("Expired on")
    kinds = set(ContractRegistration.objects.filter(user=cloud).values_list("contract__kind"))
    assert {k for (k,) in kinds} >= {
        ContractKind.SIGNATURE_CLOUD,
        ContractKind.PRODUCT_SUPPORT,
        ContractKind.ADVISORY,
    }


def test_hybrid_waits_for_its_first_renewal_for_azure(demo):
    hybrid = User.objects.get(username="hybrid").partner

    answer = hybrid.eligibility_for("azure")

    assert hybrid.competencies.get().competency.name == "Datacenter"
    assert not answer.eligible
    assert answer.rule.requires_renewal
    assert answer.decided_on == hybrid.renewal_date


def test_actionpack_is_a_global_admin_with_benefits_not_activated(demo):
    user = User.objects.get(username="actionpack")

    assert user.partner.membership_level == MembershipLevel.ACTION_PACK
    assert user.partner_role == User.PartnerRole.GLOBAL_ADMIN
    assert user.is_partner_admin
    assert activation_route(user.partner) == RoutedTo.REGIONAL_SERVICE_CENTER
    contracts = Contract.objects.filter(partner=user.partner)
    assert contracts.exists()
    assert not contracts.filter(status=Contract.Status.ACTIVATED).exists()
    assert not user.partner.activation_requests.exists()


def test_csp_resells_to_customers_whose_subscriptions_another_partner_provides(demo):
    csp = User.objects.get(username="csp")
    provider = User.objects.get(username="provider")

    links = csp.partner.customer_links.all()

    assert csp.partner.csp_role == CspRole.INDIRECT_RESELLER
    assert provider.partner.csp_role == CspRole.INDIRECT_PROVIDER
    assert 2 <= links.count() <= 3
    assert {link.relationship for link in links} == {CustomerRelationship.RESELLER}
    for link in links:
        subscription = link.customer.subscriptions.get()
        assert subscription.provider == provider.partner
    co_admin = AzureSubscription.objects.administered_by(csp)
    assert co_admin.count() == 1
    assert co_admin.get().owner_customer is not None
    assert ServiceHealthEvent.objects.filter(
        customer__in=[link.customer for link in links], resolved_at__isnull=True
    ).exists()


def test_the_engineer_and_staff_have_their_roles(demo):
    engineer = User.objects.get(username="engineer")
    staff = User.objects.get(username="staff")

    assert engineer.groups.filter(name=settings.SUPPORT_ENGINEERS_GROUP).exists()
    assert engineer.is_support_engineer
    assert not engineer.is_staff
    assert staff.is_staff and staff.is_superuser
    assert engineer.partner is None and staff.partner is None


def test_the_catalogue_covers_the_three_taxonomies(demo):
    issue_types = {t.name: t.routes_to for t in Topic.objects.filter(tree=Tree.OFFICE365, depth=0)}
    assert issue_types == {
        "Technical": "",
        "Billing": RoutedTeam.BILLING,
        "Password reset": RoutedTeam.ACCOUNT,
        "Assistance / process questions": RoutedTeam.PARTNER_PROGRAMME,
    }
    assert Topic.objects.filter(tree=Tree.OFFICE365, depth=3).count() >= 20

    azure_roots = set(Topic.objects.filter(tree=Tree.AZURE, depth=0).values_list("name", flat=True))
    assert {"Virtual Machines", "App Service", "SQL Database", "Storage"} <= azure_roots
    out_of_scope = Topic.objects.filter(tree=Tree.AZURE, name="Pre-sales question")
    assert out_of_scope.exists()
    assert {t.effective_route for t in out_of_scope} == {RoutedTeam.PARTNER_PROGRAMME}
    billing = Topic.objects.get(
        tree=Tree.AZURE, depth=0, name="Billing and subscription management"
    )
    assert billing.routes_to == RoutedTeam.BILLING

    for root in Topic.objects.filter(tree=Tree.ON_PREMISES, depth=0):
        assert root.product.platform == Platform.ON_PREMISES
        assert root.children.exists()
        assert all(category.children.exists() for category in root.children.all())
    windows = ProductVersion.objects.filter(product__slug="windows-server")
    assert {v.name for v in windows} >= {"2022", "2019", "2012 R2"}
    today = timezone.localdate()
    assert any(not v.in_mainstream_support(today) for v in windows)
    assert any(v.in_mainstream_support(today) for v in windows)
    assert SelfHelpArticle.objects.filter(product__slug="windows-server").count() >= 2
    assert MarketplaceProduct.objects.exists()
    for slug, platform in [
        ("office-365", Platform.OFFICE365),
        ("microsoft-azure", Platform.AZURE),
        ("dynamics-crm-online", Platform.DYNAMICS),
        ("enterprise-mobility-suite", Platform.EMS),
    ]:
        assert Product.objects.get(slug=slug).platform == platform


def test_sample_incidents_fill_the_queue_in_several_statuses(demo):
    statuses = set(Incident.objects.values_list("status", flat=True))

    assert {Status.SUBMITTED, Status.IN_PROGRESS, Status.WAITING, Status.ROUTED} <= statuses
    assert {Status.REJECTED, Status.RESOLVED} <= statuses
    assert Incident.objects.filter(channel="csp", customer__isnull=False).exists()
    assert any(i.is_overdue for i in Incident.objects.all())
    for incident in Incident.objects.all():
        assert incident.contacts.filter(is_primary=True).count() == 1
        assert incident.history.exists()


def test_units_are_taken_only_by_the_sample_incidents_that_used_a_contract(demo):
    for contract in Contract.objects.all():
        consumed = Incident.objects.filter(contract=contract, unit_consumed=True).count()
        assert contract.units_used == consumed


def test_partner_users_see_their_own_sample_incidents(demo):
    cloud = User.objects.get(username="cloud")
    gold = User.objects.get(username="gold")

    assert Incident.objects.visible_to(cloud).exists()
    assert not Incident.objects.visible_to(cloud).filter(partner=gold.partner).exists()
