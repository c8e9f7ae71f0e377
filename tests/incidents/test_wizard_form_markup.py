"""Wizard step forms drawn by the project's form template, not crispy's per-field chain
(issue 21): the markup the pages' JavaScript, the error summary and screen readers rely on."""

from __future__ import annotations

import re

from django.template.loader import render_to_string

from incidents.forms import business, office365
from incidents.forms.contract_step import AddContractForm
from tests.builders import make_user
from tests.incidents.test_business_wizard import (
    URL as BUSINESS_URL,
)
from tests.incidents.test_business_wizard import (
    make_onprem_catalogue,
    problem_data,
    product_support,
    support_data,
)


def fields_html(form) -> str:
    return render_to_string("incidents/includes/form_fields.html", {"form": form})


def test_a_radio_list_is_a_fieldset_described_by_its_help_and_error(db):
    form = office365.SupportingInfoForm(data={}, prefix="supporting")
    html = fields_html(form)
    box = html[html.index('id="div_id_supporting-severity"') :]
    box = box[: box.index("</fieldset>")]
    assert (
        '<fieldset aria-describedby="id_supporting-severity_helptext id_supporting-severity_error">'
        in box
    )
    assert (
        '<legend class="form-label requiredField fs-6">Severity<span class="asteriskField">*</span></legend>'
        in box
    )
    radios = re.findall(r"<input [^>]*>", box)
    assert len(radios) == 3
    assert all(
        'class="form-check-input is-invalid"' in r and 'aria-invalid="true"' in r for r in radios
    )
    assert '<label for="id_supporting-severity_0" class="form-check-label">' in box
    assert '<div id="id_supporting-severity_error" class="invalid-feedback d-block">' in box
    assert '<div id="id_supporting-severity_helptext" class="form-text">' in box


def test_a_checkbox_list_is_a_fieldset_with_its_help_text(db):
    user = make_user()
    colleague = make_user(partner=user.partner)
    form = business.ShareForm(user=user, people=[user, colleague], prefix="share")
    html = fields_html(form)
    assert '<fieldset aria-describedby="id_share-additional_contacts_helptext">' in html
    assert '<legend class="form-label fs-6">Additional contacts</legend>' in html
    assert 'type="checkbox" name="share-additional_contacts"' in html
    assert 'class="form-check-input"' in html
    assert '<div id="id_share-additional_contacts_helptext" class="form-text">' in html


def test_rules_and_the_indented_24x7_box_come_from_the_form(db):
    html = fields_html(office365.SupportingInfoForm(prefix="supporting"))
    assert html.count("<hr>") == 2
    assert html.index("<hr>") < html.index('id="div_id_supporting-tenant_domain"')
    assert html.rindex("<hr>") < html.index('id="div_id_supporting-contact_email"')
    assert html.rindex("<hr>") > html.index('id="div_id_supporting-what_tried"')
    assert '<div id="div_id_supporting-is_24x7" class="mb-3 form-check ms-4">' in html


def test_the_update_lists_button_follows_the_last_dependent_list(db):
    html = fields_html(office365.ProblemForm(prefix="problem"))
    button = html.index('name="refresh_lists"')
    assert button > html.index('id="div_id_problem-problem_area"')
    tag = html[html.rindex("<button", 0, button) : html.index(">", button)]
    assert "js-hide" in tag and 'type="submit"' in tag
    cat = make_onprem_catalogue()
    assert cat
    html = fields_html(business.ProblemForm(prefix="problem", user=make_user()))
    button = html.index('name="refresh_lists"')
    assert (
        html.index('id="div_id_problem-problem"') < button < html.index('id="div_id_problem-title"')
    )


def test_the_add_contract_fields_are_drawn_with_bootstrap_classes_and_errors(db):
    form = AddContractForm(data={}, prefix="add_contract")
    html = render_to_string(
        "incidents/includes/form_field.html", {"field": form["access_id"], "wrapper": ""}
    )
    assert 'class="form-control is-invalid"' in html
    assert 'aria-describedby="id_add_contract-access_id_error"' in html
    assert '<div id="id_add_contract-access_id_error" class="invalid-feedback">' in html


def test_no_wizard_step_goes_through_crispy(partner_client, partner_user):
    cat = make_onprem_catalogue()
    contract = product_support(partner_user)
    pages = [partner_client.get(BUSINESS_URL)]
    pages.append(partner_client.post(BUSINESS_URL, problem_data(cat)))  # the support step
    pages.append(partner_client.post(BUSINESS_URL, support_data(contract)))  # primary contact
    pages.append(partner_client.post(BUSINESS_URL, {"business_wizard-current_step": "contact"}))
    for response in pages:
        assert response.status_code == 200
        names = {t.name for t in response.templates}
        assert "incidents/includes/form_field.html" in names
        assert not [n for n in names if n and n.startswith("bootstrap5/")], names
    assert "id_contact-primary_contact_error" in pages[-1].content.decode()
