"""The incident queryset: the one access rule and the usual filters (re-exported
from ``incidents.models``)."""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef

from .choices import OPEN_STATUSES

ALL, NONE, CONTACTS = "all", "none", "contacts"


def _scope(user) -> str:
    """Which incidents ``user`` may see: all, none, or those they are a contact of."""
    if not user.is_authenticated:
        return NONE
    if user.is_staff or user.is_support_engineer:
        return ALL
    if not user.is_active or user.partner_id is None:
        return NONE
    return CONTACTS


class IncidentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one access rule: lists and detail pages both start here.

        Engineers and staff see every incident; a partner user sees the
        incidents where they are the primary or an additional contact.
        """
        scope = _scope(user)
        if scope != CONTACTS:
            return self if scope == ALL else self.none()
        from incidents.models import IncidentContact  # defined after this queryset

        return self.filter(
            Exists(IncidentContact.objects.filter(incident=OuterRef("pk"), user=user)),
            partner_id=user.partner_id,
        )

    def sees_new(self, user, incident, contact_ids) -> bool:
        """:meth:`visible_to` for an incident just created with ``contact_ids`` as its
        contacts: the same rule, answered from what was written (no query)."""
        scope = _scope(user)
        if scope != CONTACTS:
            return scope == ALL
        return user.pk in set(contact_ids) and incident.partner_id == user.partner_id

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def search(self, text: str):
        """Incidents matching ``text`` anywhere an engineer would look, with a ``rank``."""
        from incidents.search import search

        return search(self, text)

    def awaiting_first_response(self):
        return self.open().filter(first_response_at__isnull=True)
