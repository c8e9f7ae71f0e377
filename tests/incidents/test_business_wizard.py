"""Support for Business wizard (SPEC §4.3, seed 002), end to end through the test client."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from contracts.models import Contract, ContractKind, Platform, ProductVersion
from drafts.models import Draft
from incidents.models import Channel, Incident, IncidentContact, SelfHelpArticle, Tree
from tests.builders import make_contract, make_product, make_topic_path, make_user

URL = reverse("incidents:business")
PREFIX = "business_wizard"


# --- builders for this module -----------------------------------------------------


def make_onprem_catalogue():
    sql = make_product("SQL Server", Platform.ON_PREMISES, slug="sql-server")
    today = timezone.localdate()
    current = ProductVersion.objects.create(
        product=sql, name="2022", mainstream_end_on=today + dt.timedelta(days=900)
    )
    old = ProductVersion.objects.create(
        product=sql, name="2012", mainstream_end_on=dt.date(2017, 7, 11)
    )
    root, category, problem = make_topic_path(
        Tree.ON_PREMISES, "SQL Server", "Performance", "Slow queries"
    )
    root.product = sql
    root.save()
    other_category = make_topic_path(Tree.ON_PREMISES, "SQL Server", "Setup")[1]
    article = SelfHelpArticle.objects.create(
        product=sql,
        topic=category,
        name="Troubleshoot slow queries",
        url="https://learn.example.com/slow-queries",
    )
    SelfHelpArticle.objects.create(
        product=sql, topic=other_category, name="Install guide", url="https://learn.example.com/i"
    )
    return {
        "product": sql,
        "current": current,
        "old": old,
        "root": root,
        "category": category,
        "problem": problem,
        "article": article,
    }


def product_support(user, **extra):
    return make_contract(
        user.partner, kind=ContractKind.PRODUCT_SUPPORT, units=20, register_to=user, **extra
    )


def problem_data(cat, version=None, **extra):
    return {
        f"{PREFIX}-current_step": "problem",
        "problem-product": cat["root"].pk,
        "problem-version": (version or cat["current"]).pk,
        "problem-category": cat["category"].pk,
        "problem-problem": cat["problem"].pk,
        "problem-title": "Queries got slow after patching",
        "problem-description": "Since the CU12 update, reports take 10 minutes.",
        **extra,
    }


def support_data(contract, severity="B", **extra):
    return {
        f"{PREFIX}-current_step": "support",
        "support-contract": contract.pk,
        "support-severity": severity,
        "support-country": "HU",
        "support-time_zone": "Europe/Budapest",
        "support-support_language": "en",
        **extra,
    }


def contact_data(primary):
    return {f"{PREFIX}-current_step": "contact", "contact-primary_contact": primary.pk}


def share_data(*contacts):
    return {
        f"{PREFIX}-current_step": "share",
        "share-additional_contacts": [c.pk for c in contacts],
    }


REVIEW = {f"{PREFIX}-current_step": "review"}


def current_step(response):
    return response.context["wizard"]["steps"].current


def run_to_review(client, cat, contract, *, primary, shared=(), version=None, severity="B"):
    client.get(URL)
    for data in (
        problem_data(cat, version=version),
        support_data(contract, severity=severity),
        contact_data(primary),
        share_data(*shared),
    ):
        response = client.post(URL, data)
        assert response.status_code == 200, response
        errors = response.context["form"].errors if response.context else None
        assert not errors, errors
    assert current_step(response) == "review"
    return response


# --- access -------------------------------------------------------------------------


def test_it_asks_anonymous_visitors_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_it_refuses_users_without_a_partner(client, engineer):
    client.force_login(engineer)
    response = client.get(URL)
    assert response.status_code == 403
    assert "not linked to a partner" in response.content.decode()


def test_it_shows_all_six_stages_stacked_with_the_first_open(partner_client):
    make_onprem_catalogue()
    response = partner_client.get(URL)
    assert response.status_code == 200
    stages = response.context["stages"]
    assert [s["title"] for s in stages] == [
        "Tell us about the problem",
        "Type of support",
        "Primary contact",
        "Share this request",
        "Review",
        "Submit",
    ]
    assert [s["state"] for s in stages] == ["current"] + ["todo"] * 5
    assert 'aria-current="step"' in response.content.decode()


# --- step 1: the problem -----------------------------------------------------------------


def test_it_offers_only_on_premises_products(partner_client):
    cat = make_onprem_catalogue()
    azure = make_product("Microsoft Azure", Platform.AZURE)
    cloud_root = make_topic_path(Tree.ON_PREMISES, "Azure Stack")[0]
    cloud_root.product = azure
    cloud_root.save()
    response = partner_client.get(URL)
    products = list(response.context["form"].fields["product"].queryset)
    assert products == [cat["root"]]


def test_update_lists_narrows_versions_and_categories_and_suggests_articles(partner_client):
    cat = make_onprem_catalogue()
    partner_client.get(URL)
    response = partner_client.post(
        URL,
        {
            f"{PREFIX}-current_step": "problem",
            "problem-product": cat["root"].pk,
            "problem-category": cat["category"].pk,
            "refresh_lists": "1",
        },
    )
    form = response.context["form"]
    assert not form.is_bound  # no "required" errors on a refresh
    assert set(form.fields["version"].queryset) == {cat["current"], cat["old"]}
    assert cat["category"] in form.fields["category"].queryset
    assert list(form.fields["problem"].queryset) == [cat["problem"]]
    assert list(response.context["articles"]) == [cat["article"]]
    body = response.content.decode()
    assert "Troubleshoot slow queries" in body
    assert "Install guide" not in body
    assert "mainstream support ended" in body  # the 2012 version says so


def test_a_version_of_another_product_is_refused(partner_client):
    cat = make_onprem_catalogue()
    exchange = make_product("Exchange Server", Platform.ON_PREMISES, slug="exchange")
    foreign = ProductVersion.objects.create(product=exchange, name="2019")
    partner_client.get(URL)
    response = partner_client.post(URL, problem_data(cat, version=foreign))
    assert current_step(response) == "problem"
    assert "version" in response.context["form"].errors


def test_the_version_lookup_lists_the_products_versions(partner_client):
    cat = make_onprem_catalogue()
    url = reverse("incidents:business_versions", args=[cat["root"].pk])
    data = partner_client.get(url).json()
    assert {item["id"] for item in data["children"]} == {cat["current"].pk, cat["old"].pk}
    assert partner_client.post(url).status_code == 405


def test_the_article_lookup_follows_product_and_category(partner_client):
    cat = make_onprem_catalogue()
    url = reverse("incidents:business_articles")
    data = partner_client.get(
        url, {"product": cat["root"].pk, "category": cat["category"].pk}
    ).json()
    assert [a["title"] for a in data["articles"]] == ["Troubleshoot slow queries"]
    assert partner_client.get(url, {"product": "x"}).json() == {"articles": []}


def test_the_lookups_need_a_signed_in_user(client, db):
    cat = make_onprem_catalogue()
    url = reverse("incidents:business_versions", args=[cat["root"].pk])
    assert client.get(url).status_code == 302


# --- step 2: type of support -------------------------------------------------------------


def test_usable_contracts_show_end_date_and_incidents_left_and_unavailable_have_reasons(
    partner_client, partner_user
):
    cat = make_onprem_catalogue()
    usable = product_support(partner_user, name="Partner support Gold 20-pack")
    make_contract(partner_user.partner, register_to=partner_user, name="Signature Cloud")
    product_support(partner_user, used=20, name="Empty pack")
    partner_client.get(URL)
    response = partner_client.post(URL, problem_data(cat))
    assert current_step(response) == "support"
    form = response.context["form"]
    assert [o.contract for o in form.usable] == [usable]
    reasons = {o.contract.name: o.reason for o in form.unavailable}
    assert "cloud products only" in reasons["Signature Cloud"]
    assert "No incidents remaining" in reasons["Empty pack"]
    body = response.content.decode()
    assert "Show unavailable support plans" in body
    assert "20 incidents left" in body
    assert "Troubleshoot slow queries" in body  # self-help stays in view


def test_a_version_out_of_mainstream_support_makes_partner_benefits_unavailable(
    partner_client, partner_user
):
    cat = make_onprem_catalogue()
    product_support(partner_user, name="Gold pack")
    make_contract(
        partner_user.partner,
        kind=ContractKind.VISUAL_STUDIO,
        register_to=partner_user,
        name="Visual Studio benefit",
    )
    premier = make_contract(
        partner_user.partner, kind=ContractKind.PREMIER, register_to=partner_user, name="Premier"
    )
    partner_client.get(URL)
    response = partner_client.post(URL, problem_data(cat, version=cat["old"]))
    form = response.context["form"]
    assert [o.contract for o in form.usable] == [premier]
    reasons = {o.contract.name: o.reason for o in form.unavailable}
    assert "no longer in mainstream support" in reasons["Gold pack"]
    assert "no longer in mainstream support" in reasons["Visual Studio benefit"]


def test_24x7_is_refused_unless_severity_is_a(partner_client, partner_user):
    cat = make_onprem_catalogue()
    contract = product_support(partner_user)
    partner_client.get(URL)
    partner_client.post(URL, problem_data(cat))
    response = partner_client.post(
        URL, support_data(contract, severity="B", **{"support-is_24x7": "on"})
    )
    assert current_step(response) == "support"
    assert "only with severity A" in str(response.context["form"].errors["is_24x7"])
    response = partner_client.post(
        URL, support_data(contract, severity="A", **{"support-is_24x7": "on"})
    )
    assert current_step(response) == "contact"


def test_a_contract_is_added_by_its_ids_on_the_step_keeping_the_severity(
    partner_client, partner_user
):
    cat = make_onprem_catalogue()
    contract = make_contract(
        partner_user.partner,
        kind=ContractKind.PRODUCT_SUPPORT,
        access_id="ACC-1",
        contract_id="CON-1",
    )
    partner_client.get(URL)
    partner_client.post(URL, problem_data(cat))
    response = partner_client.post(
        URL,
        {
            f"{PREFIX}-current_step": "support",
            "support-severity": "C",
            "add-access_id": "ACC-1",
            "add-contract_id": "CON-1",
            "add_contract": "1",
        },
    )
    form = response.context["form"]
    assert [o.contract for o in form.usable] == [contract]
    assert form.initial["contract"] == contract.pk
    assert form.initial["severity"] == "C"
    assert contract.registrations.filter(user=partner_user).exists()


# --- steps 3 and 4: contacts ----------------------------------------------------------


def test_the_primary_contact_defaults_to_the_submitter_and_lists_only_colleagues(
    partner_client, partner_user, other_user
):
    cat = make_onprem_catalogue()
    colleague = make_user(partner_user.partner, username="carla")
    contract = product_support(partner_user)
    partner_client.get(URL)
    partner_client.post(URL, problem_data(cat))
    response = partner_client.post(URL, support_data(contract))
    form = response.context["form"]
    assert current_step(response) == "contact"
    assert form.initial["primary_contact"] == partner_user.pk
    assert set(form.fields["primary_contact"].queryset) == {partner_user, colleague}
    response = partner_client.post(URL, contact_data(other_user))
    assert "primary_contact" in response.context["form"].errors


def test_it_warns_on_share_and_review_when_the_submitter_will_not_see_the_request(
    partner_client, partner_user
):
    cat = make_onprem_catalogue()
    colleague = make_user(partner_user.partner, username="carla", first_name="Carla")
    contract = product_support(partner_user)
    partner_client.get(URL)
    partner_client.post(URL, problem_data(cat))
    partner_client.post(URL, support_data(contract))
    response = partner_client.post(URL, contact_data(colleague))
    assert current_step(response) == "share"
    assert response.context["submitter_will_not_see"] is True
    assert "you will not see this request" in response.content.decode()
    response = partner_client.post(URL, share_data())
    assert current_step(response) == "review"
    assert response.context["submitter_will_not_see"] is True
    assert 'data-testid="not-a-contact-warning"' in response.content.decode()


def test_no_warning_when_the_submitter_stays_an_additional_contact(partner_client, partner_user):
    cat = make_onprem_catalogue()
    colleague = make_user(partner_user.partner, username="carla")
    response = run_to_review(
        partner_client, cat, product_support(partner_user), primary=colleague, shared=[partner_user]
    )
    assert response.context["submitter_will_not_see"] is False
    assert 'data-testid="not-a-contact-warning"' not in response.content.decode()


# --- step 5: review --------------------------------------------------------------------


def test_review_summarises_every_step_with_an_edit_button(partner_client, partner_user):
    cat = make_onprem_catalogue()
    colleague = make_user(partner_user.partner, username="carla", first_name="Carla")
    response = run_to_review(
        partner_client, cat, product_support(partner_user), primary=partner_user, shared=[colleague]
    )
    sections = response.context["review_sections"]
    assert [s["step"] for s in sections] == ["problem", "support", "contact", "share"]
    body = response.content.decode()
    for step in ("problem", "support", "contact", "share"):
        assert f'name="wizard_goto_step" type="submit" value="{step}"' in body
    assert "Queries got slow after patching" in body
    assert "carla@example.com" in body
    assert "SQL Server" in body


def test_editing_a_step_from_review_returns_to_review_and_resubmits_the_change(
    partner_client, partner_user
):
    cat = make_onprem_catalogue()
    contract = product_support(partner_user)
    run_to_review(partner_client, cat, contract, primary=partner_user)
    response = partner_client.post(URL, {**REVIEW, "wizard_goto_step": "problem"})
    assert current_step(response) == "problem"
    form = response.context["form"]
    assert form.data["problem-title"] == "Queries got slow after patching"  # kept
    response = partner_client.post(URL, problem_data(cat, **{"problem-title": "Edited title"}))
    assert current_step(response) == "review"  # straight back, the later steps still hold
    assert "Edited title" in response.content.decode()
    response = partner_client.post(URL, REVIEW)
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:confirmation", args=[incident.number])
    assert incident.title == "Edited title"


def test_an_edit_that_invalidates_a_later_step_stops_there(partner_client, partner_user):
    cat = make_onprem_catalogue()
    gold = product_support(partner_user, name="Gold pack")
    premier = make_contract(
        partner_user.partner, kind=ContractKind.PREMIER, register_to=partner_user
    )
    run_to_review(partner_client, cat, gold, primary=partner_user)
    partner_client.post(URL, {**REVIEW, "wizard_goto_step": "problem"})
    response = partner_client.post(URL, problem_data(cat, version=cat["old"]))
    # The Gold pack cannot pay for a version out of mainstream support any more.
    assert current_step(response) == "support"
    assert "contract" in response.context["form"].errors
    # Issue 20: said clearly, once; the plans that fit are offered, and buying one.
    body = response.content.decode()
    assert "Select a valid choice" not in body
    assert body.count("The support plan you chose cannot be used for this product") == 1
    form = response.context["form"]
    assert [o.contract.name for o in form.usable] == [premier.name]
    assert "Gold pack" in [o.contract.name for o in form.unavailable]
    assert 'data-testid="buy-incident"' in body


def test_with_no_colleagues_additional_contacts_shows_a_hint(partner_client, partner_user):
    cat = make_onprem_catalogue()
    contract = product_support(partner_user)
    partner_client.get(URL)
    partner_client.post(URL, problem_data(cat))
    partner_client.post(URL, support_data(contract))
    response = partner_client.post(URL, contact_data(partner_user))

    assert current_step(response) == "share"
    assert 'data-testid="no-colleagues"' in response.content.decode()


# --- step 6: submit ---------------------------------------------------------------------


def test_submitting_creates_one_incident_consumes_a_unit_and_mails_only_the_primary_contact(
    partner_client, partner_user, django_capture_on_commit_callbacks
):
    cat = make_onprem_catalogue()
    colleague = make_user(partner_user.partner, username="carla", first_name="Carla")
    third = make_user(partner_user.partner, username="dora")
    contract = product_support(partner_user)
    run_to_review(partner_client, cat, contract, primary=colleague, shared=[partner_user, third])
    with django_capture_on_commit_callbacks(execute=True):
        response = partner_client.post(URL, REVIEW)
    incident = Incident.objects.get()
    assert response["Location"] == reverse("incidents:confirmation", args=[incident.number])
    assert incident.channel == Channel.BUSINESS
    assert incident.product == cat["product"]
    assert incident.product_version == cat["current"]
    assert incident.topic == cat["problem"]
    assert incident.contract == contract
    assert incident.unit_consumed
    assert incident.contact_email == "carla@example.com"
    assert incident.time_zone == "Europe/Budapest"
    assert incident.facts["country"] == "HU"
    contract.refresh_from_db()
    assert contract.units_used == 1
    contacts = {c.user: c.is_primary for c in IncidentContact.objects.filter(incident=incident)}
    assert contacts == {colleague: True, partner_user: False, third: False}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["carla@example.com"]
    assert mail.outbox[0].cc == [] and mail.outbox[0].bcc == []
    assert incident.number in mail.outbox[0].subject
    assert "Queries got slow after patching" in mail.outbox[0].body


def test_a_repeated_final_post_creates_one_incident(partner_client, partner_user):
    cat = make_onprem_catalogue()
    contract = product_support(partner_user)
    run_to_review(partner_client, cat, contract, primary=partner_user)
    # (The wizard's state is the user's saved draft.)
    draft = Draft.objects.get(wizard=f"wizard_{PREFIX}")
    partner_client.post(URL, REVIEW)
    Draft.objects.create(user=draft.user, wizard=draft.wizard, state=draft.state)
    partner_client.post(URL, REVIEW)
    assert Incident.objects.count() == 1
    contract.refresh_from_db()
    assert contract.units_used == 1


def test_24x7_severity_a_is_recorded(partner_client, partner_user):
    cat = make_onprem_catalogue()
    contract = product_support(partner_user)
    partner_client.get(URL)
    partner_client.post(URL, problem_data(cat))
    partner_client.post(URL, support_data(contract, severity="A", **{"support-is_24x7": "on"}))
    partner_client.post(URL, contact_data(partner_user))
    partner_client.post(URL, share_data())
    partner_client.post(URL, REVIEW)
    incident = Incident.objects.get()
    assert (incident.severity, incident.is_24x7) == ("A", True)


def test_no_unit_left_at_submit_creates_nothing_and_says_so_on_the_support_step(
    partner_client, partner_user
):
    cat = make_onprem_catalogue()
    contract = product_support(partner_user)
    run_to_review(partner_client, cat, contract, primary=partner_user)
    # A colleague takes the last unit in the meantime.
    Contract.objects.filter(pk=contract.pk).update(units_used=contract.units_granted)
    response = partner_client.post(URL, REVIEW)
    assert response.status_code == 200
    assert Incident.objects.count() == 0
    assert len(mail.outbox) == 0
    assert current_step(response) == "support"
    assert response.context["form"].errors
    contract.refresh_from_db()
    assert contract.units_used == contract.units_granted


def test_the_last_unit_taken_during_submit_rolls_everything_back(
    partner_client, partner_user, monkeypatch
):
    cat = make_onprem_catalogue()
    contract = product_support(partner_user)
    run_to_review(partner_client, cat, contract, primary=partner_user)
    monkeypatch.setattr(Contract, "consume_unit", lambda self, **kw: False)
    response = partner_client.post(URL, REVIEW)
    assert Incident.objects.count() == 0
    assert current_step(response) == "support"
    assert "has no units left" in response.content.decode()
    monkeypatch.undo()
    # Choosing again and resubmitting works, with the same wizard run.
    response = partner_client.post(URL, support_data(contract))
    assert current_step(response) == "review"
    response = partner_client.post(URL, REVIEW)
    assert response.status_code == 302
    assert Incident.objects.count() == 1


def test_a_submitter_who_left_the_request_sees_a_page_naming_the_primary_contact(
    partner_client, partner_user
):
    cat = make_onprem_catalogue()
    colleague = make_user(partner_user.partner, username="carla", first_name="Carla")
    run_to_review(partner_client, cat, product_support(partner_user), primary=colleague)
    response = partner_client.post(URL, REVIEW)
    incident = Incident.objects.get()
    assert response.status_code == 200
    body = response.content.decode()
    assert incident.number in body
    assert "carla@example.com" in body
    assert not Incident.objects.visible_to(partner_user).exists()
    assert Incident.objects.visible_to(colleague).get() == incident


@pytest.mark.parametrize("step", ["support", "contact", "share", "review"])
def test_a_later_step_cannot_be_posted_before_the_first(partner_client, partner_user, step):
    make_onprem_catalogue()
    contract = product_support(partner_user)
    partner_client.get(URL)
    data = {
        "support": support_data(contract),
        "contact": contact_data(partner_user),
        "share": share_data(),
        "review": REVIEW,
    }[step]
    partner_client.post(URL, data)
    assert Incident.objects.count() == 0


@pytest.mark.parametrize(
    "step, change, check",
    [
        ("problem", {"problem-title": "Changed"}, lambda i: i.title == "Changed"),
        ("support", {"support-severity": "C"}, lambda i: i.severity == "C"),
        ("contact", None, lambda i: i.contact_email == "carla@example.com"),
        ("share", None, lambda i: i.contacts.count() == 2),
    ],
)
def test_every_step_can_be_reopened_from_review_and_the_change_is_submitted(
    partner_client, partner_user, step, change, check
):
    cat = make_onprem_catalogue()
    colleague = make_user(partner_user.partner, username="carla")
    contract = product_support(partner_user)
    run_to_review(partner_client, cat, contract, primary=partner_user)
    response = partner_client.post(URL, {**REVIEW, "wizard_goto_step": step})
    assert current_step(response) == step
    data = {
        "problem": lambda: problem_data(cat, **change),
        "support": lambda: support_data(contract, **change),
        "contact": lambda: contact_data(colleague),
        "share": lambda: share_data(colleague),
    }[step]()
    response = partner_client.post(URL, data)
    assert current_step(response) == "review"
    response = partner_client.post(URL, REVIEW)
    assert response.status_code in (200, 302)
    assert check(Incident.objects.get())


def test_going_back_during_the_first_pass_does_not_jump_to_review(partner_client, partner_user):
    cat = make_onprem_catalogue()
    contract = product_support(partner_user)
    partner_client.get(URL)
    partner_client.post(URL, problem_data(cat))
    partner_client.post(URL, support_data(contract))
    response = partner_client.post(
        URL, {**contact_data(partner_user), "wizard_goto_step": "problem"}
    )
    assert current_step(response) == "problem"
    response = partner_client.post(URL, problem_data(cat))
    assert current_step(response) == "support"


def test_inactive_colleagues_cannot_be_contacts(partner_client, partner_user):
    cat = make_onprem_catalogue()
    gone = make_user(partner_user.partner, username="gone", is_active=False)
    run_to_review(partner_client, cat, product_support(partner_user), primary=partner_user)
    partner_client.post(URL, {**REVIEW, "wizard_goto_step": "share"})
    response = partner_client.post(URL, share_data(gone))
    assert "additional_contacts" in response.context["form"].errors


def test_a_problem_routed_to_another_team_uses_no_unit(partner_client, partner_user):
    cat = make_onprem_catalogue()
    routed = make_topic_path(
        Tree.ON_PREMISES, "SQL Server", "Performance", "Licensing question", routes_to="billing"
    )[-1]
    contract = product_support(partner_user)
    partner_client.get(URL)
    partner_client.post(URL, problem_data(cat, **{"problem-problem": routed.pk}))
    partner_client.post(URL, support_data(contract))
    partner_client.post(URL, contact_data(partner_user))
    partner_client.post(URL, share_data())
    partner_client.post(URL, REVIEW)
    incident = Incident.objects.get()
    assert incident.status == "routed"
    contract.refresh_from_db()
    assert contract.units_used == 0


def test_a_topic_of_another_tree_is_refused_as_product(partner_client):
    cat = make_onprem_catalogue()
    azure_root = make_topic_path(Tree.AZURE, "Virtual Machines")[0]
    partner_client.get(URL)
    response = partner_client.post(URL, problem_data(cat, **{"problem-product": azure_root.pk}))
    assert current_step(response) == "problem"
    assert "product" in response.context["form"].errors
