"""The step forms' widgets are drawn by one template each (incidents/forms/widgets.py,
issue 21), and the HTML is exactly what Django's chain of widget templates gives: same
ids, names, values, ``aria-*``, ``required``, ``selected``/``checked``, escaping."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import get_default_renderer
from django.template.loader import render_to_string

from contracts.models import Contract
from incidents.forms import azure, business, office365
from incidents.forms.contract_step import AddContractForm
from incidents.forms.lists import country_field, time_zone_field
from incidents.forms.widgets import ONE_TEMPLATE, ONE_TEMPLATE_RENDERER
from tests.builders import make_user
from tests.incidents.test_business_wizard import make_onprem_catalogue, product_support

HOSTILE = '"><script>x</script>&amp;'


def fields_html(form) -> str:
    if form.is_bound:
        form.is_valid()
    return render_to_string("incidents/includes/form_fields.html", {"form": form})


def templates_rendered(form) -> list[str]:
    from django.test.signals import template_rendered

    names: list[str] = []

    def note(sender, template, **kwargs):
        names.append(template.name)

    template_rendered.connect(note)
    try:
        render_to_string("incidents/includes/form_fields.html", {"form": form})
    finally:
        template_rendered.disconnect(note)
    return names


def step_forms(user, colleague, cat, contract, renderer=None):
    """Every step form, unbound and bound; ``renderer``: Django's to draw them as it would."""
    people = [user, colleague]
    options = Contract.options_for(user, cat["product"], cat["current"])
    problem = {
        "problem-product": cat["root"].pk,
        "problem-version": cat["current"].pk,
        "problem-category": cat["category"].pk,
        "problem-problem": cat["problem"].pk,
        "problem-title": HOSTILE,
        "problem-description": "two\nlines " + HOSTILE,
    }
    support = {
        "support-contract": contract.pk,
        "support-severity": "A",
        "support-is_24x7": "on",
        "support-country": "HU",
        "support-time_zone": "Europe/Budapest",
        "support-support_language": "hu",
    }
    built = [
        office365.ProblemForm(prefix="problem"),
        office365.ProblemForm(data={}, prefix="problem"),
        office365.DescriptionForm(prefix="description"),
        office365.DescriptionForm(data={"description-title": HOSTILE}, prefix="description"),
        office365.SupportingInfoForm(prefix="supporting"),
        office365.SupportingInfoForm(data={"supporting-severity": "B"}, prefix="supporting"),
        office365.AttachForm(prefix="attach"),
        office365.AttachForm(data={}, prefix="attach"),
        azure.SupportOptionForm(prefix="option"),
        azure.SupportOptionForm(data={}, prefix="option"),
        azure.ContactForm(prefix="contact", initial={"time_zone": "Europe/Budapest"}),
        azure.ContactForm(data={"contact-email": HOSTILE, "contact-phone": "1"}, prefix="contact"),
        azure.DetailsForm(prefix="details", user=user),
        azure.DetailsForm(data={"details-title": HOSTILE}, prefix="details", user=user),
        business.ProblemForm(prefix="problem", user=user),
        business.ProblemForm(data=problem, prefix="problem", user=user),
        business.SupportForm(prefix="support", user=user, options=options),
        business.SupportForm(data=support, prefix="support", user=user, options=options),
        business.SupportForm(data={}, prefix="support", user=user, options=options),
        business.PrimaryContactForm(prefix="contact", user=user, people=people),
        business.ShareForm(prefix="share", user=user, primary=user, people=people),
        business.ShareForm(
            data={"share-additional_contacts": [colleague.pk]},
            prefix="share",
            user=user,
            primary=user,
            people=people,
        ),
        AddContractForm(data={}, prefix="add"),
    ]
    if renderer is not None:
        # Before anything is drawn: a BoundField keeps the renderer it first drew with.
        for form in built:
            form.renderer = renderer
    return built


def test_every_step_form_draws_the_same_html_as_djangos_widget_templates(partner_user):
    user = partner_user
    cat = make_onprem_catalogue()
    contract = product_support(user)
    colleague = make_user(partner=user.partner)
    ours = step_forms(user, colleague, cat, contract)
    theirs = step_forms(user, colleague, cat, contract, renderer=get_default_renderer())
    for one, other in zip(ours, theirs, strict=True):
        assert one.renderer is ONE_TEMPLATE_RENDERER
        assert other.renderer is not ONE_TEMPLATE_RENDERER
        assert fields_html(one) == fields_html(other), type(one).__name__


def test_a_widget_is_one_template_and_a_drop_down_renders_no_template_per_option(partner_user):
    user = partner_user
    cat = make_onprem_catalogue()
    names = templates_rendered(business.ProblemForm(prefix="problem", user=user))
    assert "incidents/widgets/select.html" in names
    assert "incidents/widgets/input.html" in names
    assert not [n for n in names if n.startswith("django/forms/widgets/")], names
    assert cat
    html = render_to_string(
        "incidents/includes/form_fields.html",
        {"form": business.ProblemForm(prefix="problem", user=user)},
    )
    assert html.count("<option") > 1


@pytest.mark.parametrize(
    "django_name",
    [
        "django/forms/widgets/text.html",
        "django/forms/widgets/radio_option.html",
        "django/forms/widgets/clearable_file_input.html",
    ],
)
def test_only_templates_that_include_others_are_swapped(django_name):
    assert django_name in ONE_TEMPLATE
    # The whole radio list (multiple_input.html) and Django's attrs.html stay Django's.
    assert "django/forms/widgets/multiple_input.html" not in ONE_TEMPLATE
    assert "django/forms/widgets/attrs.html" not in ONE_TEMPLATE


def test_a_long_lists_required_attribute_follows_its_first_option_without_walking_it():
    countries, zones = country_field(label="Country"), time_zone_field(label="Zone")
    # The countries start with the empty placeholder: "required" is valid HTML.
    assert countries.widget.use_required_attribute(None)
    # The time zones start with UTC: a <select required> needs an empty first option.
    assert not zones.widget.use_required_attribute(None)
    for field in (countries, zones):
        assert field.widget.use_required_attribute(None) == forms.Select.use_required_attribute(
            field.widget, None
        )


def test_a_cached_long_list_draws_what_djangos_select_draws(db):
    field = time_zone_field(label="Zone")
    attrs = {"id": "id_zone", "class": "form-select is-invalid", "aria-invalid": "true"}
    plain = forms.Select(choices=field.choices)
    for value in ("Europe/Budapest", "nowhere", None):
        assert field.widget.render("zone", value, attrs) == plain.render("zone", value, attrs)


def test_the_file_input_draws_what_djangos_draws_with_a_stored_file_too():
    from portal.lib.uploads import AttachmentsField

    class Stored:
        url = "/files/report.txt"

        def __str__(self):
            return "report <1>.txt"

    field = AttachmentsField(label="Files")
    attrs = {"id": "id_files", "aria-describedby": "files_help", "class": "form-control"}
    for value in (None, Stored()):
        ours = field.widget.render("files", value, attrs, renderer=ONE_TEMPLATE_RENDERER)
        theirs = field.widget.render("files", value, attrs, renderer=get_default_renderer())
        assert ours == theirs
    names = templates_rendered(office365.AttachForm(prefix="attach"))
    assert "incidents/widgets/clearable_file_input.html" in names
    assert "django/forms/widgets/clearable_file_input.html" not in names


# --- {% widget_attrs %}: attrs.html in one call (incidents/templatetags/widget_attrs.py) ---


def test_widget_attrs_reads_as_djangos_attrs_template():
    from django.template import engines
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    attrs = {
        "id": "id_x",
        "required": True,
        "disabled": False,
        "maxlength": 200,
        "placeholder": HOSTILE,
        "data-safe": mark_safe("<b>"),
        "aria-invalid": "true",
        "min": 0,
        "title": "",
        "aria-label": gettext_lazy("Menu & <more>"),
    }
    django_attrs = get_default_renderer().get_template("django/forms/widgets/attrs.html")
    ours = engines["django"].from_string("{% load widget_attrs %}{% widget_attrs widget.attrs %}")
    context = {"widget": {"attrs": attrs}}
    expected = django_attrs.render(context)
    assert ours.render(context) == expected
    assert 'placeholder="&quot;&gt;&lt;script&gt;' in expected and "disabled" not in expected
    assert ours.render({"widget": {"attrs": {}}}) == ""
