"""A step form's dependent lists are offered and validated from the objects read once
(the cached catalogue): their querysets are built only if something asks for them
(incidents/forms/taxonomy.py ``PreloadedChoiceMixin.preload``, issue 21)."""

from __future__ import annotations

from django.template.loader import render_to_string

from contracts.models import ProductVersion
from incidents.forms import business, office365
from incidents.models import Topic
from tests.incidents.test_business_wizard import make_onprem_catalogue


def problem_form(cat, **extra):
    data = {
        "problem-product": cat["root"].pk,
        "problem-version": cat["current"].pk,
        "problem-category": cat["category"].pk,
        "problem-problem": cat["problem"].pk,
        "problem-title": "Slow",
        "problem-description": "Queries are slow.",
        **extra,
    }
    return business.ProblemForm(data=data, prefix="problem")


def test_a_step_form_is_built_validated_and_drawn_without_building_its_lists_querysets(db):
    cat = make_onprem_catalogue()
    form = problem_form(cat)
    assert form.is_valid(), form.errors
    render_to_string("incidents/includes/form_fields.html", {"form": form})
    for name in ("product", "version", "category", "problem"):
        assert form.fields[name]._queryset_factory is not None, name
    assert form.cleaned_data["problem"] == cat["problem"]
    assert form.cleaned_data["version"] == cat["current"]


def test_a_lists_queryset_when_asked_for_holds_what_it_offers(db):
    cat = make_onprem_catalogue()
    form = problem_form(cat)
    for name, model in (
        ("product", Topic),
        ("category", Topic),
        ("problem", Topic),
        ("version", ProductVersion),
    ):
        field = form.fields[name]
        assert field.queryset.model is model
        assert list(field.queryset) == field.preloaded, name
        assert field._queryset_factory is None  # built once


def test_a_choice_outside_the_preloaded_list_is_refused(db):
    cat = make_onprem_catalogue()
    form = problem_form(cat, **{"problem-problem": cat["category"].pk})
    assert not form.is_valid()
    assert "problem" in form.errors
    form = problem_form(cat, **{"problem-version": "not a number"})
    assert not form.is_valid()
    assert "version" in form.errors


def test_an_unbound_form_offers_the_roots_only(db):
    form = office365.ProblemForm(prefix="problem")
    roots = form.fields[form.chain_fields[0]]
    assert list(roots.queryset) == roots.preloaded
    for name in form.chain_fields[1:]:
        assert form.fields[name].preloaded == []
        assert list(form.fields[name].queryset) == []


# --- the lists a wizard read once per request: contracts and colleagues ---------------


def test_the_support_steps_plans_are_offered_and_validated_without_building_a_queryset(
    partner_user,
):
    from contracts.models import Contract
    from tests.builders import make_contract
    from tests.incidents.test_business_wizard import product_support

    cat = make_onprem_catalogue()
    plan = product_support(partner_user)
    other = make_contract(partner_user.partner, register_to=partner_user)  # not for SQL Server
    data = {
        "support-contract": plan.pk,
        "support-severity": "B",
        "support-country": "HU",
        "support-time_zone": "Europe/Budapest",
        "support-support_language": "en",
    }
    form = business.SupportForm(
        data=data, prefix="support", user=partner_user, product=cat["product"]
    )
    assert form.is_valid(), form.errors
    render_to_string("incidents/includes/form_fields.html", {"form": form})
    field = form.fields["contract"]
    assert field._queryset_factory is not None
    assert form.cleaned_data["contract"] == plan
    # Asked for, the queryset holds exactly the offered plans (not the unusable one).
    assert field.queryset.model is Contract
    assert list(field.queryset) == field.preloaded == [plan]
    assert other not in field.queryset


def test_the_contact_and_share_steps_colleagues_are_not_a_queryset_built_per_form(
    partner_user,
):
    from partners.models import User
    from tests.builders import make_user

    bob = make_user(partner_user.partner, username="bob")
    make_user(None, username="outsider")
    people = list(business.colleagues(partner_user))
    contact = business.PrimaryContactForm(
        data={"contact-primary_contact": bob.pk},
        prefix="contact",
        user=partner_user,
        people=people,
    )
    share = business.ShareForm(
        data={"share-additional_contacts": [partner_user.pk]},
        prefix="share",
        user=partner_user,
        primary=bob,
        people=people,
    )
    for form, name in ((contact, "primary_contact"), (share, "additional_contacts")):
        assert form.is_valid(), form.errors
        render_to_string("incidents/includes/form_fields.html", {"form": form})
        assert form.fields[name]._queryset_factory is not None, name
    assert contact.cleaned_data["primary_contact"] == bob
    assert list(share.cleaned_data["additional_contacts"]) == [partner_user]
    # Asked for: the colleagues, and on the share step without the primary contact.
    assert contact.fields["primary_contact"].queryset.model is User
    assert list(contact.fields["primary_contact"].queryset) == people
    assert list(share.fields["additional_contacts"].queryset) == [partner_user]
    refused = business.ShareForm(
        data={"share-additional_contacts": [bob.pk]},
        prefix="share",
        user=partner_user,
        primary=bob,
        people=people,
    )
    assert not refused.is_valid()  # the primary contact is not offered as an additional one


def test_the_azure_contract_steps_plans_are_the_signature_cloud_ones_without_a_queryset_built(
    partner_user,
):
    from contracts.models import ContractKind, Platform
    from incidents.forms.azure import AzureContractForm
    from tests.builders import make_contract, make_product

    product = make_product("Microsoft Azure", Platform.AZURE)
    cloud = make_contract(partner_user.partner, register_to=partner_user, name="Cloud")
    other = make_contract(
        partner_user.partner, kind=ContractKind.PRODUCT_SUPPORT, register_to=partner_user
    )
    form = AzureContractForm(
        data={"contract-contract": cloud.pk}, prefix="contract", user=partner_user, product=product
    )
    assert form.is_valid(), form.errors
    field = form.fields["contract"]
    assert field._queryset_factory is not None
    assert list(field.queryset) == field.preloaded == [cloud]
    refused = AzureContractForm(
        data={"contract-contract": other.pk}, prefix="contract", user=partner_user, product=product
    )
    assert not refused.is_valid()


def test_the_dependent_lists_urls_are_reversed_once_and_follow_the_script_prefix(db):
    from unittest import mock

    from django.urls import reverse, set_script_prefix

    from incidents.forms import taxonomy

    expected = reverse("incidents:business_versions", args=[0]).replace("/0/", "/__id__/")
    with mock.patch.object(taxonomy, "reverse", wraps=taxonomy.reverse) as counted:
        taxonomy._lookup_url.cache_clear()
        for _ in range(3):
            form = business.ProblemForm(prefix="problem")
        assert counted.call_count == 3  # topic children, versions, articles: once each
    attrs = form.fields["product"].widget.attrs
    assert attrs["data-versions-url"] == expected
    assert form.fields["category"].widget.attrs["data-articles-url"] == reverse(
        "incidents:business_articles"
    )
    set_script_prefix("/portal/")
    try:
        moved = business.ProblemForm(prefix="problem").fields["product"].widget.attrs
        assert moved["data-versions-url"] == "/portal" + expected
    finally:
        set_script_prefix("/")
