"""The incident queryset: the one access rule and the usual filters (re-exported
from ``incidents.models``)."""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef

from .choices import OPEN_STATUSES


class IncidentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one access rule: lists and detail pages both start here.

        Engineers and staff see every incident; a partner user sees the
        incidents where they are the primary or an additional contact.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_staff or user.is_support_engineer:
            return self
        if not user.is_active or user.partner_id is None:
            return self.none()
        from incidents.models import IncidentContact  # defined after this queryset

        return self.filter(
            Exists(IncidentContact.objects.filter(incident=OuterRef("pk"), user=user)),
            partner_id=user.partner_id,
        )

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def search(self, text: str):
        """Incidents matching ``text`` anywhere an engineer would look, with a ``rank``."""
        from incidents.search import search

        return search(self, text)

    def awaiting_first_response(self):
        return self.open().filter(first_response_at__isnull=True)
