"""The steps of the Support for Business wizard, on-premises and hybrid (SPEC §4.3, seed 002)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from contracts.models import Platform, ProductVersion
from incidents import lookups
from incidents.forms.bootstrap import BootstrapForm
from incidents.forms.common import (
    TITLE_REQUIRED,
    SeverityRuleMixin,
    is_24x7_field,
    severity_field,
)
from incidents.forms.contract_step import ContractStepForm
from incidents.forms.lists import country_field, time_zone_field
from incidents.forms.taxonomy import (
    PreloadedChoiceMixin,
    PreloadedMultipleChoiceMixin,
    TopicChainMixin,
    TopicChoiceField,
    lookup_url,
)
from incidents.models import (
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    SelfHelpArticle,
    Topic,
    Tree,
)
from partners.models import User


def onprem_product_roots():
    """The on-premises catalogue: roots of the "onprem" Topic tree that stand for a product."""
    return Topic.objects.filter(
        tree=Tree.ON_PREMISES,
        depth=0,
        is_active=True,
        product__platform=Platform.ON_PREMISES,
        product__is_active=True,
    ).select_related("product")


def versions_of(product) -> list[ProductVersion]:
    if product is None:
        return ProductVersion.objects.none()
    return ProductVersion.objects.filter(product=product).order_by("-mainstream_end_on", "name")


def suggested_articles(product, category=None):
    """Self-help for the chosen product and category (articles without a category apply to all)."""
    if product is None:
        return SelfHelpArticle.objects.none()
    q = Q(topic__isnull=True)
    if category is not None:
        q |= Q(topic=category) | Q(topic__parent=category)
    return SelfHelpArticle.objects.filter(q, product=product).order_by("name")


def version_label(version: ProductVersion) -> str:
    """The version's name, saying when its mainstream support has ended."""
    if version.mainstream_end_on and not version.in_mainstream_support(timezone.localdate()):
        return _("%(name)s (mainstream support ended %(date)s)") % {
            "name": version.name,
            "date": date_format(version.mainstream_end_on),
        }
    return version.name


class VersionChoiceField(PreloadedChoiceMixin, forms.ModelChoiceField):
    def label_from_instance(self, version: ProductVersion) -> str:
        return version_label(version)


# --- 1. Tell us about the problem ----------------------------------------------


class ProblemForm(TopicChainMixin, BootstrapForm):
    tree = Tree.ON_PREMISES
    chain_fields = ("product", "category", "problem")
    refresh_after = "problem"

    product = TopicChoiceField(label=_lazy("Product"), queryset=Topic.objects.none())
    version = VersionChoiceField(
        label=_lazy("Version"),
        queryset=ProductVersion.objects.none(),
        help_text=_lazy("Choose the product first."),
    )
    category = TopicChoiceField(label=_lazy("Category"), queryset=Topic.objects.none())
    problem = TopicChoiceField(label=_lazy("Problem"), queryset=Topic.objects.none())
    title = forms.CharField(
        label=_lazy("Title"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_lazy("One line that sums up the problem."),
        error_messages={"required": TITLE_REQUIRED},
    )
    description = forms.CharField(
        label=_lazy("Description"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_lazy("What happens, what you expected, error messages, what you have tried."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.setup_chain()
        product_field = self.fields["product"]
        product_field.widget.attrs.update(
            {
                "data-versions-target": self.add_prefix("version"),
                "data-versions-url": lookup_url("incidents:business_versions", with_id=True),
            }
        )
        self.fields["category"].widget.attrs.update(
            {
                "data-articles-product": self.add_prefix("product"),
                "data-articles-url": lookup_url("incidents:business_articles"),
            }
        )
        root = self._chosen("product")
        self.chosen_product = root.product if root else None
        # The versions from the cached catalogue (incidents/lookups.py): no query.
        product = self.chosen_product
        self.fields["version"].preload(
            lambda: versions_of(product),
            lookups.product_versions(self.chosen_product.pk) if self.chosen_product else [],
            model=ProductVersion,
        )
        if self.chosen_product is not None:
            self.fields["version"].help_text = ""
        self.chosen_category = self._chosen("category")

    def chain_roots(self) -> Q:
        # The on-premises catalogue (see onprem_product_roots), in the chain's one query.
        return Q(
            tree=self.tree,
            depth=0,
            product__platform=Platform.ON_PREMISES,
            product__is_active=True,
        )

    def chain_roots_queryset(self):
        return onprem_product_roots()

    def _chosen(self, name):
        """The topic chosen in list ``name``, among those it offers (no query)."""
        value = self._chain_value(name)
        try:
            pk = int(value)
        except (TypeError, ValueError):
            return None
        return next((t for t in self.fields[name].preloaded or () if t.pk == pk), None)

    def articles(self):
        return suggested_articles(self.chosen_product, self.chosen_category)


# --- 2. Type of support -----------------------------------------------------------


class SupportForm(SeverityRuleMixin, ContractStepForm):
    """The shared contract choice, then severity and where the request is routed to."""

    severity = severity_field()
    is_24x7 = is_24x7_field()
    country = country_field(label=_lazy("Where are you located?"))
    time_zone = time_zone_field(
        label=_lazy("Time zone"),
        help_text=_lazy(
            "Your request is routed by time zone; local-language support runs in its business hours."
        ),
    )
    support_language = forms.ChoiceField(
        label=_lazy("Support language"),
        choices=settings.LANGUAGES,
        help_text=_lazy(
            "Response targets hold around the clock in English; other languages are "
            "supported in business hours."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["severity"].widget.attrs["data-severity"] = "1"
        self.fields["is_24x7"].widget.attrs["data-only-severity-a"] = self.add_prefix("severity")
        self._drop_unusable_contract()

    def _drop_unusable_contract(self) -> None:
        """A plan chosen before an edit (e.g. of the version, from Review) that no longer
        fits is cleared with a message saying why, not refused as an invalid choice."""
        key = self.add_prefix("contract")
        chosen = self.data.get(key) if self.is_bound else None
        if chosen in (None, "") or str(chosen) in {str(o.contract.pk) for o in self.usable}:
            return
        data = self.data.copy()
        data.pop(key, None)
        self.data = data
        self.dropped_contract = True

    dropped_contract = False

    def clean(self):
        cleaned = super().clean()
        if self.dropped_contract:
            self.add_error(
                None,
                _(
                    "The support plan you chose cannot be used for this product and version. "
                    'Choose one of the plans listed (the reasons are under "Show unavailable '
                    'support plans"), add a plan, or buy a support incident.'
                ),
            )
        return cleaned


# --- 3. Primary contact ------------------------------------------------------------


class PartnerUserChoiceField(PreloadedChoiceMixin, forms.ModelChoiceField):
    def label_from_instance(self, user: User) -> str:
        return f"{user.get_full_name() or user.username} ({user.email})"


class PartnerUsersChoiceField(PreloadedMultipleChoiceMixin, forms.ModelMultipleChoiceField):
    def label_from_instance(self, user: User) -> str:
        return f"{user.get_full_name() or user.username} ({user.email})"

    def clean(self, value):
        # Nobody chosen: an empty list, as a choice is a list of the preloaded users.
        # Django answers ``queryset.none()``, which builds the colleagues' queryset only
        # to hand back nothing (≈ 0.5 ms on the share POST and the final submit, issue 21).
        if self.preloaded is not None and not self.required and value in self.empty_values:
            return []
        return super().clean(value)


def colleagues(user):
    """The partner's active users: the people a request can be shared with."""
    return User.objects.colleagues_of(user)


class PrimaryContactForm(BootstrapForm):
    primary_contact = PartnerUserChoiceField(
        label=_lazy("Primary contact"),
        queryset=User.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        help_text=_lazy(
            "The support engineer contacts this person, and only this person receives the "
            "e-mail with the request number."
        ),
    )

    def __init__(self, *args, user=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if people is None:
            self.fields["primary_contact"].queryset = colleagues(user)
        else:  # the colleagues, already read once for this request
            self.fields["primary_contact"].preload(lambda: colleagues(user), people, model=User)
        if user is not None:
            self.initial.setdefault("primary_contact", user.pk)


# --- 4. Share this request ----------------------------------------------------------


class ShareForm(BootstrapForm):
    additional_contacts = PartnerUsersChoiceField(
        label=_lazy("Additional contacts"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_lazy(
            "A backup contact for the engineer; additional contacts can also follow the "
            "request under Manage support requests."
        ),
    )

    def __init__(self, *args, user=None, primary=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.primary = primary

        def others_queryset():
            qs = colleagues(user)
            return qs if primary is None else qs.exclude(pk=primary.pk)

        if people is None:
            qs = others_queryset()
            self.fields["additional_contacts"].queryset = qs
            self.no_colleagues = not qs.exists()
        else:  # the colleagues, already read once for this request
            others = [p for p in people if primary is None or p.pk != primary.pk]
            # Its queryset is built only if something asks for it (issue 21).
            self.fields["additional_contacts"].preload(others_queryset, others, model=User)
            self.no_colleagues = not others


# --- 5. Review ------------------------------------------------------------------------


class ReviewForm(BootstrapForm):
    """Nothing to enter: the step shows every answer with an Edit button."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)


def submitter_will_not_see(user, primary, additional) -> bool:
    """Someone else is primary and the submitter did not add themselves (seed 002)."""
    if user is None or primary is None or primary.pk == user.pk:
        return False
    return all(contact.pk != user.pk for contact in additional or ())
