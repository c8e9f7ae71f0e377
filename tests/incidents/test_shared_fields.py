"""Each rule once (issue 16): the fields and checks every incident channel shares."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django import forms
from django.utils import timezone

from incidents.forms import azure, business, csp, office365
from incidents.forms.common import SeverityRuleMixin, StartTimeField
from partners.forms import ContactForm as ProfileContactForm
from partners.models import Customer
from portal.lib.forms import form_helper, time_zone_choices
from tests.builders import make_partner, make_user

SEVERITY_FORMS = [
    office365.SupportingInfoForm,
    azure.DetailsForm,
    business.SupportForm,
    csp.CspRequestForm,
]


def channel_time_zone_fields():
    """The time-zone field of the profile and of every channel that asks for one."""
    user = make_user(make_partner())
    customer = Customer.objects.create(name="Woodgrove Bank", tenant_domain="woodgrove.example")
    return {
        "profile": ProfileContactForm().fields["time_zone"],
        "azure": azure.ContactForm().fields["time_zone"],
        "business": business.SupportForm().fields["time_zone"],
        "csp": csp.CspRequestForm(user=user, customer=customer, platform="office365").fields[
            "time_zone"
        ],
    }


def test_the_profile_and_every_channel_offer_the_same_time_zones(db):
    fields = channel_time_zone_fields()

    for name, field in fields.items():
        assert list(field.choices) == time_zone_choices(), name
    choices = dict(time_zone_choices())
    assert next(iter(choices)) == "UTC"
    assert "Europe/Budapest" in choices and "America/New_York" in choices
    assert not {"Etc/GMT+3", "posixrules", "GMT"} & set(choices)


class TwentyFourSevenForm(SeverityRuleMixin, forms.Form):
    severity = forms.CharField()
    is_24x7 = forms.BooleanField(required=False)


def channel_form(form_class, data):
    if form_class is csp.CspRequestForm:
        user = make_user(make_partner())
        customer, _ = Customer.objects.get_or_create(
            tenant_domain="litware.example", defaults={"name": "Litware"}
        )
        return form_class(data, user=user, customer=customer, platform="office365")
    return form_class(data)


@pytest.mark.parametrize("form_class", SEVERITY_FORMS)
def test_every_channel_refuses_24x7_without_severity_a_the_same_way(db, form_class):
    refused = channel_form(form_class, {"severity": "B", "is_24x7": "on"})
    accepted = channel_form(form_class, {"severity": "A", "is_24x7": "on"})

    assert issubclass(form_class, SeverityRuleMixin)
    assert not refused.is_valid()
    assert refused.has_error("is_24x7", code="24x7_needs_a")
    accepted.is_valid()
    assert "is_24x7" not in accepted.errors


@pytest.mark.parametrize("severity, refused", [("A", False), ("B", True), ("C", True)])
def test_24x7_is_accepted_only_with_severity_a(severity, refused):
    form = TwentyFourSevenForm({"severity": severity, "is_24x7": "on"})

    assert form.is_valid() is not refused
    if refused:
        assert form.has_error("is_24x7", code="24x7_needs_a")
        assert "only with severity A" in str(form.errors["is_24x7"])


def test_without_24x7_every_severity_is_fine():
    assert TwentyFourSevenForm({"severity": "C"}).is_valid()


def test_the_start_time_is_read_in_the_users_time_zone():
    field = StartTimeField()
    field.use_time_zone("Asia/Tokyo")

    value = field.clean("2026-01-10T09:00")

    assert value == dt.datetime(2026, 1, 10, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert "Asia/Tokyo" in str(field.help_text)


def test_an_unknown_time_zone_reads_the_start_time_as_utc():
    field = StartTimeField()
    field.use_time_zone("Mars/Olympus")

    assert field.clean("2026-01-10T09:00") == dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC)


def test_a_start_time_in_the_future_is_refused_but_a_slightly_fast_clock_is_not():
    field = StartTimeField()
    field.use_time_zone("UTC")
    now = timezone.now().astimezone(dt.UTC)

    field.clean((now + dt.timedelta(minutes=2)).strftime("%Y-%m-%d %H:%M:%S"))
    with pytest.raises(forms.ValidationError) as refused:
        field.clean((now + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    assert refused.value.code == "future"


def test_the_form_helper_leaves_the_form_tag_and_csrf_token_to_the_page():
    helper = form_helper("severity", "is_24x7")

    assert helper.form_tag is False
    assert helper.disable_csrf is True
    assert [field for field in helper.layout.fields] == ["severity", "is_24x7"]
