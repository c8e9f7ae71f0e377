"""Managers of the partners app."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import UserManager as AuthUserManager
from django.db import connection, models
from django.db.models import Case, F, IntegerField, Q, Value, When

from portal.lib.db import EqualsAny


class UserManager(AuthUserManager):
    """Who works with whom: a partner's people and the support engineers."""

    def partner_users(self, partner_id):
        """A partner's active users, by name."""
        return self.filter(partner_id=partner_id, is_active=True).order_by(
            "first_name", "last_name", "username"
        )

    def colleagues_of(self, user):
        """The active users of ``user``'s partner (``user`` too); nobody without a partner."""
        if user is None or not user.partner_id:
            return self.none()
        return self.partner_users(user.partner_id)

    def support_engineers(self):
        """Active members of the "Support engineers" group, by name."""
        members = self.model.groups.through.objects.filter(
            group__name=settings.SUPPORT_ENGINEERS_GROUP
        ).values("user_id")
        users = self.filter(is_active=True)
        if connection.vendor == "postgresql":
            from django.contrib.postgres.expressions import ArraySubquery

            # "id = ANY(ARRAY(engineers' ids))": one primary-key lookup per engineer. A join
            # (or IN) on the group makes PostgreSQL hash-join a scan of every user, which grows
            # with the programme (1.3 ms at 5,000 users, for 50 engineers).
            users = users.filter(EqualsAny(F("pk"), ArraySubquery(members)))
        else:
            users = users.filter(pk__in=members)
        return users.order_by("first_name", "last_name", "username")


class ServiceHealthEventQuerySet(models.QuerySet):
    def for_customer(self, customer):
        """The customer's events, open ones first, each newest first (``is_open`` annotated)."""
        resolved = self.model.Status.RESOLVED
        return (
            self.filter(customer=customer)
            .annotate(
                is_open=Case(
                    When(Q(resolved_at__isnull=True) & ~Q(status=resolved), then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            )
            .order_by("-is_open", "-started_at")
        )


class PartnerQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def matching(self, text: str):
        """Partners whose name contains ``text`` (any case) or whose Partner ID starts with it.

        The name part is ``UPPER(name::text) LIKE UPPER('%text%')`` on PostgreSQL, the
        expression of the trigram index partner_name_upper_trgm_idx (incidents 0100), so
        it is an index scan. A Partner ID is digits only: the ID part is added only when
        ``text`` could start one.
        """
        found = Q(name__icontains=text)
        if text.isascii() and text.isdigit():
            found |= Q(partner_number__startswith=text)
        return self.filter(found)


class AzureSubscriptionQuerySet(models.QuerySet):
    def administered_by(self, user):
        """Subscriptions on which ``user`` may open an Azure incident (SPEC §4.2).

        Service administrator or co-administrator of one of the partner's own
        subscriptions; only co-administrator of a customer's.

        Each subscription once, without DISTINCT: both conditions are on the one join of
        the user's role rows (one ``filter()`` call), and a user holds at most one role per
        subscription (``unique_subscription_user``). DISTINCT made PostgreSQL plan a sort
        and a unique step on every read (issue 21).
        """
        return self.filter(
            Q(roles__user=user, owner_partner=user.partner_id)
            | Q(roles__user=user, roles__role="co_admin", owner_customer__isnull=False)
        )
