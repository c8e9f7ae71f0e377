"""Registering contracts to a user's account (SPEC §3, seed 002)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Contract, ContractRegistration, RegistrationFailure

MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=15)


class RegistrationError(Exception):
    """The pair could not be registered; the message is safe to show."""


def register_contract(user, access_id: str, contract_id: str) -> Contract:
    """Register the contract identified by both IDs to ``user``.

    A wrong pair gives one generic error that does not say which ID was wrong;
    repeated wrong guesses are throttled per user.
    """
    since = timezone.now() - FAILURE_WINDOW
    if RegistrationFailure.objects.filter(user=user, created_at__gte=since).count() >= MAX_FAILURES:
        raise RegistrationError(_("Too many wrong attempts. Wait 15 minutes, then try again."))
    contract = Contract.objects.filter(
        access_id=access_id.strip(), contract_id=contract_id.strip()
    ).first()
    if contract is None:
        RegistrationFailure.objects.create(user=user)
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
