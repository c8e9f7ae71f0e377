"""The Azure wizard's step fields drawn once and read from the cache (issue 21,
incidents/wizards/azure_fragments.py): the same HTML as drawn afresh, never stale (the key
names what the fields show), never for a posted form."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.utils import translation

from incidents.forms.azure import ContactForm, DetailsForm
from incidents.wizards.azure import AzureIncidentWizard
from incidents.wizards.azure_fragments import fields_fragment
from partners.models import AzureSubscription
from tests.incidents import test_azure_wizard as flow
from tests.incidents.test_azure_wizard import (
    CONTACT,
    URL,
    current_step,
    details,
    make_subscription,
    post_step,
    walk_to_details,
)

# The wizard module's fixtures, shared here.
azure = flow.azure
subscription = flow.subscription
contract = flow.contract

FIELDS_TEMPLATE = "incidents/includes/form_fields.html"


def page(response) -> str:
    """The page without what differs on every response (the CSRF token's masking, the
    scripts' nonce)."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'nonce="[^"]*"', "", html)


def drew_fields(response) -> bool:
    return FIELDS_TEMPLATE in [t.name for t in response.templates]


def to_contact(client, azure, contract):
    client.get(URL)
    post_step(client, "options", {"option": "professional"})
    post_step(client, "topic", azure["topic"])
    return post_step(client, "contract", {"contract": contract.pk})


# --- the same HTML, drawn once --------------------------------------------------------


@pytest.mark.parametrize("step", ["topic", "contact", "details"])
def test_a_step_read_from_the_cache_is_the_page_drawn_afresh(
    partner_client, azure, subscription, contract, step
):
    def draw():
        if step == "topic":
            partner_client.get(URL)
            return post_step(partner_client, "options", {"option": "professional"})
        if step == "contact":
            return to_contact(partner_client, azure, contract)
        return walk_to_details(partner_client, azure, contract=contract)

    with mock.patch.object(AzureIncidentWizard, "fields_fragment", return_value=None):
        fresh = draw()
    kept = draw()  # drawn and kept (by this request or, resuming the draft, its GET)
    cached = draw()  # read back

    assert current_step(fresh) == current_step(kept) == current_step(cached) == step
    assert drew_fields(fresh)
    assert not drew_fields(cached)
    assert page(fresh) == page(kept) == page(cached)


def test_the_first_step_is_read_from_the_cache_too(partner_client, azure, subscription):
    fresh = partner_client.get(URL)
    cached = partner_client.get(URL)

    assert drew_fields(fresh) and not drew_fields(cached)
    assert page(fresh) == page(cached)


# --- never stale: the key names what the fields show ------------------------------------


def test_a_renamed_subscription_shows_on_the_details_step(
    partner_client, partner_user, azure, subscription, contract
):
    walk_to_details(partner_client, azure, contract=contract)
    subscription.name = "Production EU"
    subscription.save()

    response = post_step(partner_client, "contact", CONTACT)

    assert current_step(response) == "details"
    assert "Production EU" in page(response)


def test_a_subscription_given_meanwhile_shows_on_the_details_step(
    partner_client, partner_user, azure, subscription, contract
):
    walk_to_details(partner_client, azure, contract=contract)
    make_subscription(partner_user, name="Staging")

    response = post_step(partner_client, "contact", CONTACT)

    assert "Staging" in page(response)


def test_the_details_step_names_the_time_zone_chosen_on_the_contact_step(
    partner_client, azure, subscription, contract
):
    walk_to_details(partner_client, azure, contract=contract)

    response = post_step(partner_client, "contact", {**CONTACT, "time_zone": "Asia/Tokyo"})

    assert "(Asia/Tokyo)" in page(response)
    assert "(Europe/Budapest)" not in page(response)


def test_a_changed_profile_shows_on_the_contact_step(
    partner_client, partner_user, azure, subscription, contract
):
    to_contact(partner_client, azure, contract)
    partner_user.email = "anna.new@example.com"
    partner_user.save()

    response = to_contact(partner_client, azure, contract)

    assert current_step(response) == "contact"
    assert 'value="anna.new@example.com"' in page(response)


def test_each_language_gets_its_own_fields(partner_client, partner_user, azure, subscription):
    english = partner_client.get(URL)
    partner_client.cookies["django_language"] = "hu"
    hungarian = partner_client.get(URL, headers={"accept-language": "hu"})

    assert drew_fields(hungarian)
    assert page(english) != page(hungarian)


# --- never for a posted form ------------------------------------------------------------


def test_a_refused_step_is_drawn_with_its_errors_and_not_kept(
    partner_client, azure, subscription, contract
):
    walk_to_details(partner_client, azure, contract=contract)

    refused = post_step(partner_client, "details", details(subscription, title=""))

    assert refused.context["fields_fragment"] is None
    assert drew_fields(refused)
    assert "Enter a title that sums up the problem." in page(refused)
    # Drawn unbound again (the contact step posted anew): no error from the refused post.
    response = post_step(partner_client, "contact", CONTACT)
    assert response.context["fields_fragment"] is not None
    assert "Enter a title that sums up the problem." not in page(response)


def test_update_lists_is_drawn_afresh(partner_client, azure, subscription):
    partner_client.get(URL)
    post_step(partner_client, "options", {"option": "professional"})

    response = post_step(
        partner_client, "topic", {"product": azure["topic"]["product"]}, refresh_lists="1"
    )

    assert response.context["fields_fragment"] is None
    assert drew_fields(response)


def test_the_contract_step_is_drawn_afresh(partner_client, azure, subscription, contract):
    partner_client.get(URL)
    post_step(partner_client, "options", {"option": "professional"})

    response = post_step(partner_client, "topic", azure["topic"])

    assert current_step(response) == "contract"
    assert response.context["fields_fragment"] is None


# --- the key ---------------------------------------------------------------------------


def test_a_bound_form_has_no_fragment():
    assert fields_fragment(ContactForm(data={}, prefix="contact")) is None


def test_the_key_follows_the_initial_values():
    def key(**initial):
        return fields_fragment(ContactForm(prefix="contact", initial=initial))["key"]

    anna = {"phone": "+36 1 234 5678", "email": "anna@example.com", "time_zone": "UTC"}
    assert key(**anna) == key(**anna)
    assert key(**anna) != key(**{**anna, "email": "bob@example.com"})
    assert key(**anna) != key(**{**anna, "time_zone": "Europe/Budapest"})
    assert key(**anna) != fields_fragment(ContactForm(prefix="other", initial=anna))["key"]


def test_the_key_follows_the_subscriptions_and_their_owners(partner_user):
    first = make_subscription(partner_user, name="Prod")
    second = make_subscription(partner_user, name="Test")

    def key(subscriptions):
        form = DetailsForm(prefix="details", user=partner_user, subscriptions=subscriptions)
        return fields_fragment(form)["key"]

    one, both = key([first]), key([first, second])
    assert one != both
    first.name = "Prod EU"
    assert key([first]) != one
    renamed_owner = AzureSubscription.objects.select_related("owner_partner").get(pk=first.pk)
    renamed_owner.owner_partner.name = "Contoso Renamed"
    assert key([renamed_owner]) != key([AzureSubscription.objects.get(pk=first.pk)])


def test_the_key_follows_the_language_and_the_time_zone(partner_user):
    prod = make_subscription(partner_user)

    def key(time_zone="UTC"):
        form = DetailsForm(
            prefix="details", user=partner_user, time_zone=time_zone, subscriptions=[prod]
        )
        return fields_fragment(form)["key"]

    with translation.override("en"):
        english = key()
        assert key("Asia/Tokyo") != english
    with translation.override("hu"):
        assert key() != english
