"""Dependent drop-downs over a :class:`~incidents.models.Topic` tree.

Each list is narrowed to the children of the value chosen in the list before.
Without JavaScript the "Update lists" button re-renders the step with the
narrowed lists (the wizard's refresh); with it, ``static/js/dependent-selects.js``
fetches the children instantly.
"""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from incidents.models import Topic

REFRESH_FIELD = "refresh_lists"


class TopicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class TopicChainMixin:
    """Form mixin: ``tree`` and ``chain_fields`` (one field name per level, top first)."""

    tree: str = ""
    chain_fields: tuple[str, ...] = ()

    def setup_chain(self) -> None:
        url = reverse("incidents:topic_children", args=[0]).replace("/0/", "/__id__/")
        parent = None
        for depth, name in enumerate(self.chain_fields):
            field = self.fields[name]
            if depth == 0:
                qs = Topic.objects.filter(tree=self.tree, depth=0, is_active=True)
            elif parent is not None:
                qs = Topic.objects.filter(parent=parent, is_active=True)
            else:
                qs = Topic.objects.none()
            field.queryset = qs.order_by("sort_order", "name")
            if depth + 1 < len(self.chain_fields):
                field.widget.attrs.update(
                    {
                        "data-chain-child": self.add_prefix(self.chain_fields[depth + 1]),
                        "data-children-url": url,
                    }
                )
            value = self._chain_value(name)
            parent = None
            if value not in (None, ""):
                try:
                    parent = field.queryset.filter(pk=int(value)).first()
                except (TypeError, ValueError):
                    parent = None

    def _chain_value(self, name):
        if self.is_bound:
            return self.data.get(self.add_prefix(name))
        value = self.initial.get(name)
        return getattr(value, "pk", value)

    def chosen_leaf(self) -> Topic | None:
        for name in reversed(self.chain_fields):
            if self.cleaned_data.get(name):
                return self.cleaned_data[name]
        return None


class RefreshableWizardMixin:
    """SessionWizardView mixin: a POST with ``refresh_lists`` re-renders the step.

    The re-rendered form is unbound with the posted values as initial data, so
    the dependent lists narrow and no "required" errors are shown yet.
    """

    refresh_label = _("Update lists")

    def post(self, *args, **kwargs):
        if REFRESH_FIELD not in self.request.POST:
            return super().post(*args, **kwargs)
        step = self.steps.current
        prefix = self.get_form_prefix(step, self.form_list[step]) + "-"
        self._refresh_initial = {
            key[len(prefix) :]: value
            for key, value in self.request.POST.items()
            if key.startswith(prefix)
        }
        return self.render(self.get_form())

    def get_form_initial(self, step):
        initial = dict(super().get_form_initial(step) or {})
        refresh = getattr(self, "_refresh_initial", None)
        if refresh is not None and step == self.steps.current:
            initial.update(refresh)
        return initial
