"""Contract workflows that span several models (SPEC §3, seeds 002 and 003):
registering a contract by its two IDs, requesting activation, activating
(by staff or automatically) and telling the right person the IDs."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import Location, MembershipLevel, Partner
from portal.lib.mail import make_message, send_after_commit

from .models import (
    ActivationRequest,
    Contract,
    ContractRegistration,
    CountryActivationRule,
    RegistrationFailure,
    activation_route,
)

logger = logging.getLogger(__name__)

MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=15)
# Gold/Silver partners' core benefits activate automatically this long after enrolment.
AUTO_ACTIVATION_WINDOW = dt.timedelta(days=31)


class RegistrationError(Exception):
    """The pair could not be registered; the message is safe to show."""


class RegistrationThrottled(RegistrationError):
    """Too many wrong pairs in the window; views answer HTTP 429."""


class ActivationError(Exception):
    """An activation request cannot be made or decided; the message is safe to show."""


# --- registering -------------------------------------------------------------
def register_contract(user, access_id: str, contract_id: str) -> Contract:
    """Register the contract identified by both IDs to ``user``.

    Only a contract held by the user's own partner can be registered (sharing a
    benefit = sharing the two IDs with a colleague). A wrong pair, or a pair of
    another partner's contract, gives one generic error that does not say which
    ID was wrong, and counts towards the per-user throttle.

    The throttle counts atomically: the user's row is locked (``SELECT … FOR
    UPDATE``) for the check, the look-up and the recording of a failure, so
    parallel guesses of one user queue up and never more than
    ``MAX_FAILURES`` wrong pairs are tried in the window.
    """
    # The Access ID is matched whatever its case (users type "scs-contoso-02").
    access_id, contract_id = access_id.strip(), contract_id.strip()
    with transaction.atomic():
        # The per-user lock (PostgreSQL; SQLite serialises writers anyway).
        list(get_user_model().objects.select_for_update().filter(pk=user.pk).values("pk"))
        since = timezone.now() - FAILURE_WINDOW
        failures = RegistrationFailure.objects.filter(user=user, created_at__gte=since).count()
        if failures >= MAX_FAILURES:
            throttled = True
        else:
            throttled = False
            contract = Contract.objects.filter(
                partner_id=user.partner_id, access_id__iexact=access_id, contract_id=contract_id
            ).first()
            if contract is None:
                RegistrationFailure.objects.create(user=user)
    # Raised outside the transaction: the failure just recorded is kept.
    if throttled:
        logger.warning(
            "Contract registration throttled: user %s (id %s) made %s wrong attempts in %s",
            user.get_username(),
            user.pk,
            MAX_FAILURES,
            FAILURE_WINDOW,
        )
        raise RegistrationThrottled(_("Too many wrong attempts. Wait 15 minutes, then try again."))
    if contract is None:
        logger.info("Wrong Access ID + Contract ID pair from user %s (id %s)", user, user.pk)
        raise RegistrationError(
            _("No contract matches this Access ID and Contract ID. Check both and try again.")
        )
    if ContractRegistration.objects.filter(contract=contract, user=user).exists():
        raise RegistrationError(_("Contract is already registered"))
    try:
        with transaction.atomic():
            ContractRegistration.objects.create(contract=contract, user=user)
    except IntegrityError as exc:
        raise RegistrationError(_("Contract is already registered")) from exc
    return contract


def register_contract_from(form, user) -> tuple[Contract | None, bool]:
    """Register the pair of a valid ``RegisterContractForm`` to ``user``.

    Returns ``(contract, False)``, or ``(None, throttled)`` with the (safe) reason
    added to the form as a non-field error; ``throttled`` asks the view for HTTP 429.
    """
    try:
        contract = register_contract(
            user, form.cleaned_data["access_id"], form.cleaned_data["contract_id"]
        )
    except RegistrationError as exc:
        form.add_error(None, str(exc))
        return None, isinstance(exc, RegistrationThrottled)
    return contract, False


# --- requesting activation ---------------------------------------------------
def can_request_activation(user) -> tuple[bool, str]:
    """Whether ``user`` may use the activation wizard, and if not, why (safe to show)."""
    partner = user.partner if user.partner_id else None
    if partner is None or not partner.is_active:
        return False, _("Your account is not linked to an active partner.")
    if partner.membership_level == MembershipLevel.NETWORK_MEMBER:
        return False, _(
            "Network members without an Action Pack subscription are not eligible for "
            "support benefits, so there is nothing to activate."
        )
    if not user.is_partner_admin:
        return False, _(
            "Only your company's global admin or partner admin can request the activation "
            "of support benefits. Ask one of them to do it."
        )
    return True, ""


def pending_request_for(location: Location) -> ActivationRequest | None:
    return (
        ActivationRequest.objects.filter(location=location, status=ActivationRequest.Status.PENDING)
        .select_related("requested_by")
        .first()
    )


def request_activation(
    *,
    user,
    location: Location,
    contact_name: str,
    company: str,
    membership_email: str = "",
    alternate_email: str = "",
    phone: str = "",
    city: str = "",
    country: str = "",
) -> ActivationRequest:
    """Record an activation request for the core benefits (headquarters) or an ABTK,
    route it by region and acknowledge it by e-mail."""
    allowed, reason = can_request_activation(user)
    if not allowed:
        raise ActivationError(reason)
    partner = user.partner
    if location.partner_id != partner.pk:
        raise ActivationError(_("Choose one of your company's locations."))
    try:
        with transaction.atomic():
            request = ActivationRequest.objects.create(
                partner=partner,
                location=location,
                requested_by=user,
                routed_to=activation_route(partner, location),
                contact_name=contact_name,
                company=company,
                membership_email=membership_email,
                alternate_email=alternate_email,
                phone=phone,
                city=city,
                country=country,
                partner_number=partner.partner_number,
            )
            to = _unique([user.email, alternate_email])
            if to:
                send_after_commit(
                    make_message("activation-requested", to, {"activation": request, "user": user})
                )
    except IntegrityError as exc:
        # The partial unique constraint: someone else's request for this benefit is pending.
        raise ActivationError(
            _("An activation request for this benefit is already pending.")
        ) from exc
    return request


# --- activating ----------------------------------------------------------------
def activation_recipients(
    location: Location | None, request: ActivationRequest | None = None
) -> list[str]:
    """Who receives the Access ID and Contract ID (SPEC §3, seed 003).

    The program contact of the headquarters (core benefits) or of the location
    (ABTK); when none is recorded, the requesting user's e-mail and alternate
    e-mail (or, for an automatic activation, the membership e-mail).
    """
    if location is not None and location.program_contact_email:
        return [location.program_contact_email]
    if request is not None:
        return _unique([request.requested_by.email, request.alternate_email])
    partner = location.partner if location is not None else None
    return _unique([partner.membership_email] if partner else [])


def activate_contracts(
    partner: Partner,
    location: Location,
    *,
    actor=None,
    on: dt.date | None = None,
    request: ActivationRequest | None = None,
    only: Iterable[int] | None = None,
) -> list[Contract]:
    """Activate the not-activated contracts of the scope (``only``: just these pks)
    and e-mail their IDs in one message.

    Runs inside the caller's transaction when there is one; each contract is
    claimed by a conditional UPDATE, so running twice activates nothing twice.
    """
    on = on or timezone.localdate()
    activated = []
    with transaction.atomic():
        candidates = (
            Contract.objects.of_scope(partner, location)
            .filter(status=Contract.Status.NOT_ACTIVATED)
            .order_by("kind", "pk")
        )
        if only is not None:
            candidates = candidates.filter(pk__in=list(only))
        for contract in candidates:
            if contract.activate(on=on, actor=actor):
                activated.append(contract)
        if activated:
            to = activation_recipients(location, request)
            if to:
                send_after_commit(
                    make_message(
                        "contract-activated",
                        to,
                        {
                            "partner": partner,
                            "location": location,
                            "contracts": activated,
                            "is_core": location.kind == Location.Kind.HEADQUARTERS,
                        },
                    )
                )
    return activated


def activate_request(request: ActivationRequest, actor) -> list[Contract]:
    """Staff decision: activate the benefits the request is about (one admin action)."""
    with transaction.atomic():
        claimed = ActivationRequest.objects.filter(
            pk=request.pk, status=ActivationRequest.Status.PENDING
        ).update(
            status=ActivationRequest.Status.ACTIVATED,
            decided_at=timezone.now(),
            decided_by=actor,
        )
        if not claimed:
            raise ActivationError(_("This request was already decided."))
        request.refresh_from_db()
        activated = activate_contracts(
            request.partner, request.location, actor=actor, request=request
        )
        if not activated:
            # Rolls the claim back: staff record the contracts first, then activate.
            raise ActivationError(
                _(
                    "%(location)s has no contract waiting for activation. Record the "
                    "support contracts first, then activate the request."
                )
                % {"location": request.location}
            )
    return activated


def reject_request(request: ActivationRequest, actor, reason: str) -> bool:
    """Staff decision: refuse the request, keep the reason on it and e-mail the reason to
    the requester (in their language) through the outbox, all in one transaction.

    A rejection always has a reason. Returns False when the request was already decided
    (nothing changes, nothing is sent).
    """
    reason = (reason or "").strip()
    if not reason:
        raise ActivationError(
            _("Give the reason for the rejection; it is e-mailed to the requester.")
        )
    with transaction.atomic():
        rejected = bool(
            ActivationRequest.objects.filter(
                pk=request.pk, status=ActivationRequest.Status.PENDING
            ).update(
                status=ActivationRequest.Status.REJECTED,
                decided_at=timezone.now(),
                decided_by=actor,
                rejection_reason=reason,
            )
        )
        if not rejected:
            return False
        request.refresh_from_db(fields=["status", "decided_at", "decided_by", "rejection_reason"])
        requester = request.requested_by
        if requester.email:
            send_after_commit(
                make_message(
                    "activation-rejected",
                    [requester.email],
                    {"activation": request, "reason": reason},
                    language=requester.language,
                )
            )
    return True


def auto_activate(on: dt.date | None = None) -> list[Contract]:
    """Activate the core benefits of Gold/Silver partners enrolled within the last month,
    in countries whose rule says so. Idempotent: activated contracts are never claimed again."""
    on = on or timezone.localdate()
    countries = list(
        CountryActivationRule.objects.filter(auto_activate=True).values_list("country", flat=True)
    )
    partners = (
        Partner.objects.active()
        .filter(
            membership_level__in=[MembershipLevel.GOLD, MembershipLevel.SILVER],
            country__in=countries,
            membership_start__lte=on,
            membership_start__gte=on - AUTO_ACTIVATION_WINDOW,
            contracts__status=Contract.Status.NOT_ACTIVATED,
        )
        .distinct()
        .order_by("pk")
    )
    activated: list[Contract] = []
    for partner in partners:
        headquarters = partner.headquarters
        if headquarters is None:
            continue
        with transaction.atomic():
            done = activate_contracts(partner, headquarters, on=on)
            if done:
                # A pending request for the same benefits is answered by this activation.
                ActivationRequest.objects.filter(
                    location=headquarters, status=ActivationRequest.Status.PENDING
                ).update(status=ActivationRequest.Status.ACTIVATED, decided_at=timezone.now())
        activated.extend(done)
    return activated


def _unique(addresses: Iterable[str]) -> list[str]:
    seen, result = set(), []
    for address in addresses:
        key = (address or "").strip().lower()
        if key and key not in seen:
            seen.add(key)
            result.append(address.strip())
    return result
