"""The home page (issue 2): eligibility today and why not, and a way into every feature."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from partners.models import CspRole, User
from portal.lib.i18n import local_date
from tests.builders import make_partner, make_user


def url_or_none(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def home_as(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_partner_user_sees_each_product_with_its_eligibility_and_reason(partner_client):
    response = partner_client.get("/")
    rows = dict(response.context["eligibility"])
    assert set(p.value for p in rows) == {"office365", "azure"}
    assert all(result.eligible for result in rows.values())
    html = response.content.decode()
    assert "Cloud Productivity competency: eligible for Office 365" in html


def test_a_gold_cloud_productivity_partner_is_told_why_not_azure(client, db):
    partner = make_partner(competencies=["Cloud Productivity"])
    html = home_as(client, make_user(partner))
    response_rows = html.split('data-product="azure"')[1].split("</li>")[0]
    assert "Not eligible" in response_rows
    assert "maps to Microsoft Azure" in response_rows


def test_a_hybrid_partner_before_its_renewal_is_told_the_date(client, db):
    today = dt.date.today()
    partner = make_partner(
        competencies=[("Datacenter", dt.date(2013, 1, 1))],
        membership_start=today - dt.timedelta(days=30),
    )
    html = home_as(client, make_user(partner))
    azure = html.split('data-product="azure"')[1].split("</li>")[0]
    assert "Not eligible" in azure
    assert "renewal" in azure
    assert local_date(partner.first_renewal_on_or_after(dt.date(2014, 9, 29))) in azure


def test_the_home_page_runs_the_same_queries_whatever_the_partner_holds(client, db):
    small = make_partner(competencies=["Cloud Productivity"])
    big = make_partner(
        competencies=[
            "Cloud Productivity",
            "Cloud Platform",
            "Datacenter",
            "Messaging",
            "Data Platform",
            "Volume Licensing",
        ],
        csp_role=CspRole.INDIRECT_RESELLER,
    )
    counts = []
    for partner in (small, big):
        client.force_login(make_user(partner, role=User.PartnerRole.GLOBAL_ADMIN))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 11


@pytest.mark.parametrize(
    "url_name,text",
    [
        ("incidents:office365", "Submit Office 365 incident online"),
        ("incidents:azure", "Submit Microsoft Azure incident online"),
        ("incidents:business", "Support for Business"),
        ("incidents:manage_list", "Manage support requests"),
        ("contracts:benefits", "My benefits"),
        ("contracts:register", "Register a contract"),
        ("partners:profile", "Edit profile"),
    ],
)
def test_every_routed_feature_has_a_card(partner_client, url_name, text):
    html = partner_client.get("/").content.decode()
    url = url_or_none(url_name)
    if url is None:
        pytest.skip(f"{url_name} is not routed yet")
    assert f'href="{url}">{text}</a>' in html


def test_the_csp_card_is_only_for_csp_partners(client, db):
    url = url_or_none("incidents:csp")
    csp = make_partner(csp_role=CspRole.INDIRECT_RESELLER)
    plain = make_partner()
    assert "Service request for a CSP customer" not in home_as(client, make_user(plain))
    if url is None:
        pytest.skip("incidents:csp is not routed yet")
    assert "Service request for a CSP customer" in home_as(client, make_user(csp))


def test_request_activation_is_only_for_partner_admins(client, partner):
    url = url_or_none("contracts:activation")
    assert "Request activation" not in home_as(client, make_user(partner))
    if url is None:
        pytest.skip("contracts:activation is not routed yet")
    admin = make_user(partner, role=User.PartnerRole.PARTNER_ADMIN)
    assert "Request activation" in home_as(client, admin)


def test_an_engineer_gets_the_queue_not_partner_features(client, engineer):
    html = home_as(client, engineer)
    assert "You are signed in as a support engineer" in html
    assert "Signature Cloud Support today" not in html
    url = url_or_none("incidents:queue")
    if url is not None:
        assert f'href="{url}"' in html


def test_staff_get_a_link_to_administration(client, staff):
    html = home_as(client, staff)
    assert reverse("admin:index") in html


def test_a_user_without_a_partner_gets_the_explanation(client, db):
    html = home_as(client, make_user(None))
    assert "Your account is not linked to an active partner" in html
    assert "Signature Cloud Support today" not in html


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_partner_user_only_sees_their_own_partner(client, partner_user, other_partner):
    html = home_as(client, partner_user)
    assert partner_user.partner.name in html
    assert other_partner.name not in html
