"""What the Support for Business wizard keeps in the cache between requests (issue 21).

* The colleagues (the partner's active users, for the contact and share steps), per
  partner.
* The self-help articles the plan step suggests, per product and category.
* The rows of every answered stage's summary (the stages stacked above the current one,
  and Review), so that an earlier step's form is not rebuilt and validated again on every
  later request only to be summarised. A summary is kept under a digest of everything it
  is built from: the step's stored answers and those of the steps before it (a step's
  choices may depend on them), the user, language, time zone and date, the catalogue's
  stamp (topics, products, versions) and the partner's stamp (partners.stamps: its users,
  and its contracts, their units left included).
* The problem step's choice (the ids of the product's root topic, version and category
  its answers validate to), under those answers and the catalogue's stamp, for the steps
  after it (the plan step's list depends on them).
* The plan list (``Contract.options_for``) the plan step was drawn with, under the user,
  product, version, date, language and both stamps: the plan step's POST validates the
  choice against the list the user was shown.

Both stamps are bumped on change in this process (signals below, and
``Contract.consume_unit``, whose conditional UPDATE sends none); every entry also expires
after ``LOOKUP_CACHE_TTL`` seconds, so that another worker (LocMemCache is per process)
shows a change within that time. The final submit uses none of these: it validates
every step again against fresh reads (the problem step's form, the plan list and its
units), and taking the unit is guarded by its conditional UPDATE.
"""

from __future__ import annotations

import copy
import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation

from contracts.models import (
    Contract,
    ContractEvent,
    ContractOption,
    ContractRegistration,
    Product,
    ProductVersion,
)
from incidents.models import SelfHelpArticle, Topic
from partners.stamps import CONTRACTS, USERS, bump_partner_stamp, partner_stamp
from portal.lib.caching import cached, generation, new_generation

TTL = getattr(settings, "LOOKUP_CACHE_TTL", 60)
CATALOGUE_STAMP_KEY = "business:catalogue-stamp:v1"
COLLEAGUES_KEY = "business:colleagues:v1:{partner}:{stamp}"
SUMMARY_KEY = "business:summary:v2:{digest}"
ARTICLES_KEY = "business:articles:v1:{product}:{category}:{stamp}"
CHOICE_KEY = "business:problem-choice:v1:{digest}"
PLANS_KEY = "business:plans:v1:{digest}"
_MISSING = object()


def catalogue_stamp() -> str:
    return generation(CATALOGUE_STAMP_KEY)


def bump_catalogue_stamp(**_kwargs) -> None:
    new_generation(CATALOGUE_STAMP_KEY)


def cached_colleagues(user, read) -> list:
    """``read()`` (the partner's active users, as a list), kept per partner."""
    if user is None or not user.partner_id:
        return list(read())
    partner = user.partner_id
    key = COLLEAGUES_KEY.format(partner=partner, stamp=partner_stamp(partner, USERS))
    return cached(key, lambda: list(read()), TTL)


def cached_articles(product, category, read) -> list:
    """``read()`` (the articles suggested for ``product`` and ``category``, as a list), kept
    under the catalogue's stamp (articles, topics and products bump it)."""
    if product is None:
        return []
    key = ARTICLES_KEY.format(
        product=product.pk,
        category=getattr(category, "pk", None),
        stamp=catalogue_stamp(),
    )
    return cached(key, lambda: list(read()), TTL)


def cached_problem_choice(user, answers: tuple, compute, *, fresh: bool = False):
    """``compute()`` (the ids of the topic, version and category the problem step's
    ``answers`` validate to, or None if they do not), kept under those answers and the
    catalogue's stamp (topics, products and versions bump it). ``fresh``: computed (and
    kept) even if an answer is kept."""
    what = (getattr(user, "pk", None), answers, catalogue_stamp())
    digest = hashlib.md5(repr(what).encode(), usedforsecurity=False).hexdigest()
    key = CHOICE_KEY.format(digest=digest)
    if fresh:
        value = compute()
        cache.set(key, value, TTL)
        return value
    return cached(key, compute, TTL)


def cached_plan_options(user, product, version, read, *, fresh: bool = False):
    """``read()`` (``Contract.options_for(user, product, version)``: the usable and the
    unavailable plans), kept under the user, product, version, date, language (the
    reasons are worded in it), the catalogue's stamp and the partner's contracts stamp
    (a plan saved, registered, given or refunded units, or a unit taken, bumps it).
    ``fresh``: read (and kept) even if an answer is kept."""
    partner = getattr(user, "partner_id", None)
    what = (
        getattr(user, "pk", None),
        partner,
        getattr(product, "pk", None),
        getattr(version, "pk", None),
        timezone.localdate().isoformat(),
        translation.get_language(),
        catalogue_stamp(),
        partner_stamp(partner, CONTRACTS),
    )
    digest = hashlib.md5(repr(what).encode(), usedforsecurity=False).hexdigest()
    key = PLANS_KEY.format(digest=digest)
    if not fresh:
        options = cache.get(key)
        if options is not None:
            return options
    usable, unavailable = read()
    cache.set(key, (_storable(usable), _storable(unavailable)), TTL)
    return usable, unavailable


def _storable(options) -> list:
    """Copies of ``options`` without what ``options_for`` attached to work out the reasons
    (a function, which cannot be pickled): the reasons are worked out already."""
    kept = []
    for option in options:
        contract = copy.copy(option.contract)
        contract.__dict__.pop("_covered_product_ids", None)
        kept.append(ContractOption(contract, option.reason))
    return kept


def answers_digest(data) -> tuple | None:
    """A step's stored answers as a hashable value (the CSRF token is no answer)."""
    if data is None:
        return None
    items = data.lists() if hasattr(data, "lists") else dict(data).items()
    return tuple(
        sorted(
            (key, tuple(value) if isinstance(value, list | tuple) else (value,))
            for key, value in items
            if key != "csrfmiddlewaretoken"
        )
    )


def summary_scope(wizard: str, user) -> tuple:
    """What every summary of one request is kept under besides the answers: the wizard,
    the user, language, time zone and date, and the catalogue's and the partner's stamps.
    Read once per request (three cache reads), not once per summarised step."""
    partner = getattr(user, "partner_id", None)
    return (
        wizard,
        getattr(user, "pk", None),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        timezone.localdate().isoformat(),
        catalogue_stamp(),
        partner_stamp(partner, USERS),
        partner_stamp(partner, CONTRACTS),
    )


def summary_key(scope: tuple, step: str, answers: list) -> str:
    """The cache key of the summary of ``step``; ``scope``: ``summary_scope()`` of the
    request; ``answers``: (step, answers_digest) of the steps up to and including it."""
    what = (scope, step, tuple(answers))
    digest = hashlib.md5(repr(what).encode(), usedforsecurity=False).hexdigest()
    return SUMMARY_KEY.format(digest=digest)


def cached_summary(key: str, compute):
    """The rows under ``key`` (None: the step is not valid), else ``compute()``'s, kept."""
    rows = cache.get(key, _MISSING)
    if rows is _MISSING:
        rows = compute()
        cache.set(key, rows, TTL)
    return rows


# --- invalidation ------------------------------------------------------------------------
def _user_changed(sender, instance, **_kwargs) -> None:
    bump_partner_stamp(instance.partner_id, USERS)


def _contract_changed(sender, instance, **_kwargs) -> None:
    bump_partner_stamp(instance.partner_id, CONTRACTS)


def _partner_id_of(instance, name: str, model) -> int | None:
    """The partner of ``instance``'s related ``name`` (a contract or a user), without a
    query when it is loaded, and without failing when a cascade deleted it first."""
    field = instance._meta.get_field(name)
    if field.is_cached(instance):
        return getattr(instance, name).partner_id
    pk = getattr(instance, field.attname)
    return model.objects.filter(pk=pk).values_list("partner_id", flat=True).first()


def _contract_event(sender, instance, created=False, **_kwargs) -> None:
    # Activation, extension, units added or refunded (each records an event): units and
    # dates shown with the plan change.
    bump_partner_stamp(_partner_id_of(instance, "contract", Contract), CONTRACTS)


def _registration_changed(sender, instance, **_kwargs) -> None:
    bump_partner_stamp(_partner_id_of(instance, "contract", Contract), CONTRACTS)
    bump_partner_stamp(_partner_id_of(instance, "user", get_user_model()), CONTRACTS)


def _covered_products_changed(sender, instance, action, **_kwargs) -> None:
    if not action.startswith("post_"):
        return
    if isinstance(instance, Contract):
        bump_partner_stamp(instance.partner_id, CONTRACTS)
    else:  # from the product's side: whichever partners' plans, rare
        bump_catalogue_stamp()


def connect_signals() -> None:
    """Called from IncidentsConfig.ready."""
    user = get_user_model()
    for signal in (post_save, post_delete):
        signal.connect(_user_changed, sender=user, dispatch_uid="business-cache-user")
        signal.connect(_contract_changed, sender=Contract, dispatch_uid="business-cache-contract")
        signal.connect(
            _registration_changed,
            sender=ContractRegistration,
            dispatch_uid="business-cache-registration",
        )
        for model in (Topic, Product, ProductVersion, SelfHelpArticle):
            signal.connect(
                bump_catalogue_stamp,
                sender=model,
                dispatch_uid=f"business-cache-catalogue-{model.__name__}",
            )
    post_save.connect(_contract_event, sender=ContractEvent, dispatch_uid="business-cache-event")
    m2m_changed.connect(
        _covered_products_changed,
        sender=Contract.products.through,
        dispatch_uid="business-cache-covered-products",
    )
