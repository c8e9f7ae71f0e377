"""The Microsoft Azure channel's rules: its prerequisites and its product (SPEC §4.2).

The wizard's first step shows each prerequisite, met or not, with what to do about it;
``done()`` reads them again to decide whether the incident is recorded as rejected.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, F
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import Contract, ContractKind, Platform, Product
from incidents.azure_subscriptions import read_usable_subscriptions as compiled_usable_subscriptions
from partners.models import AzureSubscription, ScsProduct, SubscriptionRole, User
from portal.lib.caching import cached, generation, new_generation
from portal.lib.i18n import local_date


@dataclass(frozen=True)
class Prerequisite:
    key: str
    label: str
    met: bool
    fix: str = ""  # what to do when not met
    blocking: bool = True  # False: a warning; the incident is recorded but rejected


def signature_cloud_contracts(user):
    return Contract.objects.registered_to(user).filter(kind=ContractKind.SIGNATURE_CLOUD)


def usable_subscriptions(user):
    """The active Azure subscriptions ``user`` administers, with the user's role on each
    (recorded on the incident): the list of the details step."""
    # The role is read from the role row administered_by() joined (an annotation after the
    # filter reuses its join; a user holds one role per subscription, unique_subscription_user),
    # not from a correlated subquery: the same rows, a third less time to build (issue 21).
    return (
        AzureSubscription.objects.administered_by(user)
        .filter(is_active=True)
        .select_related("owner_customer", "owner_partner")
        .annotate(user_role=F("roles__role"))
        .order_by("name", "pk")
    )


def read_usable_subscriptions(user) -> list[AzureSubscription]:
    """:func:`usable_subscriptions` read afresh as a list, its SQL compiled once (the final
    submit decides on it): see :mod:`incidents.azure_subscriptions`."""
    return compiled_usable_subscriptions(user, usable_subscriptions)


# The holdings: whether the user holds a Signature Cloud contract (registered to them, in
# any state) and administers an active Azure subscription. Asked alone (each step) it is one
# query; the final submit reads the contract and subscription lists anyway and answers
# from them. Both are the same rule, written next to each other (tests/incidents/test_azure_holdings.py).


def azure_holdings(user) -> tuple[bool, bool]:
    """(holds a Signature Cloud contract, administers an active Azure subscription): one query."""
    row = (
        User.objects.filter(pk=user.pk)
        .values_list(
            Exists(signature_cloud_contracts(user)),
            Exists(AzureSubscription.objects.administered_by(user).filter(is_active=True)),
        )
        .first()
    )
    return (bool(row[0]), bool(row[1])) if row else (False, False)


# The steps before the submit show the holdings (step 1's prerequisites) and the
# subscriptions (the details step's list) from the cache (issue 21: their reads cost a third
# of those steps' time). Any change of a subscription, a role on one, a contract or a
# registration, or of a partner or customer (the list shows the owner's name), starts a new
# generation in this process at once (signals, connected in IncidentsConfig.ready); other
# processes see it within AZURE_CACHE_TTL seconds. The final submit never trusts the cache:
# it reads both lists afresh and decides from them.
AZURE_CACHE_TTL = getattr(settings, "LOOKUP_CACHE_TTL", 60)
GENERATION_KEY = "azure:generation:v1"


def _user_key(user, what: str) -> str:
    # The partner is part of the key: moving the user to another partner changes the answer.
    return f"azure:{what}:v1:{generation(GENERATION_KEY)}:{user.pk}:{user.partner_id}"


def cached_azure_holdings(user) -> tuple[bool, bool]:
    """:func:`azure_holdings`, kept for ``AZURE_CACHE_TTL`` seconds (shown, not decided on)."""
    return cached(_user_key(user, "holdings"), lambda: azure_holdings(user), AZURE_CACHE_TTL)


def cached_usable_subscriptions(user) -> list[AzureSubscription]:
    """:func:`usable_subscriptions` as a list, kept for ``AZURE_CACHE_TTL`` seconds: the
    details step's list as shown. Its submit validates against a fresh read."""
    return cached(
        _user_key(user, "subscriptions"),
        lambda: read_usable_subscriptions(user),
        AZURE_CACHE_TTL,
    )


def forget_azure_holdings(**kwargs) -> None:
    """What the holdings or the subscriptions are read from changed: every user's entries
    are stale."""
    new_generation(GENERATION_KEY)


def connect_signals() -> None:
    """Drop the cached holdings and subscriptions when what they are read from changes."""
    from contracts.models import ContractRegistration
    from partners.models import Customer, Partner

    models = (
        AzureSubscription,
        SubscriptionRole,
        Contract,
        ContractRegistration,
        Partner,
        Customer,
    )
    for signal in (post_save, post_delete):
        for model in models:
            signal.connect(
                forget_azure_holdings, sender=model, dispatch_uid=f"azure-{model._meta.label}"
            )


def azure_holdings_from(registered_contracts, subscriptions) -> tuple[bool, bool]:
    """:func:`azure_holdings` answered from lists already read: every contract registered to
    the user (``Contract.options_for`` without kinds) and :func:`usable_subscriptions`."""
    has_contract = any(c.kind == ContractKind.SIGNATURE_CLOUD for c in registered_contracts)
    return has_contract, any(s.is_active for s in subscriptions)


def azure_prerequisites(
    user, on: dt.date | None = None, *, holdings=None, with_eligibility=True
) -> list[Prerequisite]:
    """Each prerequisite of an Azure Signature Cloud Support incident, met or not, with its fix.

    ``holdings``: :func:`azure_holdings` if already known. ``with_eligibility=False``
    leaves out the (non-blocking) eligibility, which costs two more queries.
    """
    has_contract, has_subscription = holdings if holdings is not None else azure_holdings(user)
    prerequisites = [
        *_contact_prerequisites(user),
        *_holding_prerequisites(has_contract, has_subscription),
    ]
    if with_eligibility:
        partner = user.partner
        on = on or timezone.localdate()
        eligibility = partner.eligibility_for(ScsProduct.AZURE, on=on) if partner else None
        prerequisites.insert(2, _eligibility_prerequisite(eligibility, on))
    return prerequisites


def _contact_prerequisites(user) -> list[Prerequisite]:
    partner = user.partner
    on_record = partner.technical_contact_email if partner else ""
    return [
        Prerequisite(
            "technical_contact",
            _("You are your partner's designated technical contact."),
            bool(partner and partner.technical_contact_id == user.pk),
            _(
                "Ask your partner's global admin to record you as the technical contact "
                "in the Partner Membership Center, or ask the technical contact to submit."
            ),
        ),
        Prerequisite(
            "email_matches",
            _("Your e-mail address matches the technical contact's e-mail on record."),
            user.is_designated_technical_contact,
            _(
                "Your e-mail address is %(mine)s but the one on record is %(record)s. Change "
                "the e-mail in your profile, or have the Partner Membership Center record updated."
            )
            % {"mine": user.email or "—", "record": on_record or "—"},
        ),
    ]


def _holding_prerequisites(has_contract: bool, has_subscription: bool) -> list[Prerequisite]:
    return [
        Prerequisite(
            "contract",
            _("You hold a Signature Cloud Support contract (Access ID + Contract ID)."),
            bool(has_contract),
            _(
                'Add it in the step "Select a contract" with the Access ID and Contract ID '
                "that were sent to your primary program contact. They differ from the IDs "
                "of ordinary Partner Network support."
            ),
        ),
        Prerequisite(
            "subscription",
            _(
                "You have a Microsoft Azure subscription on which you are service "
                "administrator or co-administrator."
            ),
            bool(has_subscription),
            _(
                "Ask the account administrator of your Azure subscription to add you as "
                "service administrator or co-administrator (for a customer's subscription: "
                "co-administrator)."
            ),
        ),
    ]


def _eligibility_prerequisite(eligibility, on: dt.date) -> Prerequisite:
    """Not blocking: an ineligible partner may submit, and the incident is rejected.

    When not met, the row itself says so, with the date eligibility starts (e.g. the
    membership renewal) when there is one; the reason follows.
    """
    eligible = bool(eligibility)
    starts = eligibility.decided_on if eligibility is not None else None
    if eligible:
        label = _("Your partner is eligible for Microsoft Azure Signature Cloud Support.")
    elif starts is not None and starts > on:
        label = _(
            "Your partner is not yet eligible for Microsoft Azure Signature Cloud Support: "
            "it will be from %(date)s."
        ) % {"date": local_date(starts)}
    else:
        label = _("Your partner is not eligible for Microsoft Azure Signature Cloud Support.")
    return Prerequisite(
        "eligible",
        label,
        eligible,
        _(
            "%(reason)s You may still submit, but the incident will be rejected. "
            "Billing and subscription management requests are not affected."
        )
        % {"reason": eligibility.reason if eligibility is not None else ""},
        blocking=False,
    )


def azure_product() -> Product | None:
    """The catalogue's Microsoft Azure product (the first active one)."""
    return Product.objects.filter(platform=Platform.AZURE, is_active=True).order_by("pk").first()


def azure_contract_kind_refusal(contract: Contract) -> str:
    """Why ``contract`` cannot pay for an Azure incident by its kind, or "" (SPEC §4.2:
    Azure incidents need a Signature Cloud Support contract). The wizard's contract
    step and the API say the same."""
    if contract.kind == ContractKind.SIGNATURE_CLOUD:
        return ""
    return _(
        "%(kind)s cannot be used here: Azure incidents need a Signature Cloud Support contract."
    ) % {"kind": contract.get_kind_display()}
