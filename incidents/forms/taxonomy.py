"""Dependent drop-downs over a :class:`~incidents.models.Topic` tree.

Each list is narrowed to the children of the value chosen in the list before.
Without JavaScript the "Update lists" button re-renders the step with the
narrowed lists (the wizard's refresh); with it, ``static/js/dependent-selects.js``
fetches the children instantly.
"""

from __future__ import annotations

import functools

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from incidents import lookups
from incidents.models import Topic

REFRESH_FIELD = "refresh_lists"
ID_PLACEHOLDER = "__id__"


def lookup_url(name: str, *, with_id: bool = False) -> str:
    """The URL a dependent list fetches its options from; ``with_id``: with ``__id__`` in
    place of the chosen value's id (the script fills it in). Reversed once per process
    (per URLconf and script prefix), not on every build of a step form (issue 21)."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _lookup_url(name, with_id, urlconf, get_script_prefix())


@functools.lru_cache(maxsize=64)
def _lookup_url(name: str, with_id: bool, urlconf: str, prefix: str) -> str:
    if with_id:
        return reverse(name, args=[0], urlconf=urlconf).replace("/0/", f"/{ID_PLACEHOLDER}/")
    return reverse(name, urlconf=urlconf)


class PreloadedChoiceIterator(ModelChoiceIterator):
    """Iterates the field's preloaded objects (no query) when it has them."""

    def __init__(self, field):
        self.field = field

    @property
    def queryset(self):
        # Asked only without preloaded objects: a lazily given queryset is not built.
        return self.field.queryset

    def __iter__(self):
        objects = self.field.preloaded
        if objects is None:
            yield from super().__iter__()
            return
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in objects:
            yield self.choice(obj)

    def __len__(self):
        if self.field.preloaded is None:
            return super().__len__()
        return len(self.field.preloaded) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self):
        if self.field.preloaded is None:
            return super().__bool__()
        return self.field.empty_label is not None or bool(self.field.preloaded)


class PreloadedChoiceMixin:
    """For a ``ModelChoiceField``: with :meth:`preload` its choices and validation
    need no query (the objects were read once, e.g. with other rows)."""

    iterator = PreloadedChoiceIterator
    preloaded: list | None = None
    preloaded_model = None
    _queryset_factory = None

    def preload(self, queryset, objects, model=None) -> None:
        """``objects``: exactly what ``queryset`` holds, already fetched and ordered.

        ``queryset`` may be a function that returns it, with ``model`` the objects' model:
        the options and their validation come from ``objects``, so the queryset is built
        only if something asks for ``field.queryset`` (building the filtered querysets of
        a form's lists cost more than the rest of the form, issue 21).
        """
        self.preloaded = list(objects)
        if callable(queryset):
            self._queryset_factory, self._queryset = queryset, None
            self.preloaded_model = model
            self.widget.choices = self.choices
        else:
            self.queryset = queryset
            self.preloaded_model = queryset.model

    def _get_queryset(self):
        if self._queryset_factory is not None:
            factory, self._queryset_factory = self._queryset_factory, None
            forms.ModelChoiceField._set_queryset(self, factory())
        return self._queryset

    def _set_queryset(self, queryset):
        self._queryset_factory = None
        forms.ModelChoiceField._set_queryset(self, queryset)

    queryset = property(_get_queryset, _set_queryset)

    def __deepcopy__(self, memo):
        # Every form copies its declared fields; Django clones a declared queryset for the
        # copy, so that copies never share results (#11183). An empty one (the
        # ``Model.objects.none()`` of the fields a form preloads) has no results to share:
        # kept, not cloned (~15 us a field, issue 21). Any other queryset is cloned.
        queryset = self._queryset if self._queryset_factory is None else None
        if queryset is None or not queryset.query.is_empty():
            return super().__deepcopy__(memo)
        result = super(forms.ChoiceField, self).__deepcopy__(memo)  # Field's, as Django's
        result._queryset = queryset
        result.widget.choices = result.choices  # the copy's own iterator
        return result

    def to_python(self, value):
        if self.preloaded is None:
            return super().to_python(value)
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        model = self.preloaded_model
        if isinstance(value, model):
            value = value.pk
        try:
            pk = model._meta.pk.to_python(value)
        except (TypeError, ValueError, ValidationError):
            pk = None
        for obj in self.preloaded:
            if pk is not None and obj.pk == pk:
                return obj
        raise ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class PreloadedMultipleChoiceMixin(PreloadedChoiceMixin):
    """For a ``ModelMultipleChoiceField``: validates against the preloaded objects."""

    def to_python(self, value):
        return forms.ModelMultipleChoiceField.to_python(self, value)

    def _check_values(self, value):
        if self.preloaded is None:
            return super()._check_values(value)
        try:
            values = frozenset(value)
        except TypeError:
            raise ValidationError(
                self.error_messages["invalid_list"], code="invalid_list"
            ) from None
        model = self.preloaded_model
        chosen = set()
        for item in values:
            try:
                chosen.add(model._meta.pk.to_python(item))
            except (TypeError, ValueError, ValidationError):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                ) from None
        known = {obj.pk for obj in self.preloaded}
        for pk in chosen:
            if pk not in known:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return [obj for obj in self.preloaded if obj.pk in chosen]


# The first entry of a drop-down with nothing chosen yet (instead of Django's "---------").
SELECT_PLACEHOLDER = _("- Select an option -")


class TopicChoiceField(PreloadedChoiceMixin, forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", SELECT_PLACEHOLDER)
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return obj.label


# The catalogue's topics by parent id (the roots under None), in list order: built once
# per catalogue read (``lookups.topic_catalogue`` hands out the same list until the
# catalogue changes), not by a walk through every topic on every build of a topic form.
_CHILDREN: tuple[list | None, dict] = (None, {})


def children_by_parent(catalogue: list[Topic]) -> dict[int | None, list[Topic]]:
    """``catalogue``'s topics by ``parent_id``; the lists are shared: read them only."""
    global _CHILDREN
    kept, index = _CHILDREN
    if kept is not catalogue:
        index = {}
        for node in catalogue:
            index.setdefault(node.parent_id, []).append(node)
        _CHILDREN = (catalogue, index)
    return index


class TopicChainMixin:
    """Form mixin: ``tree`` and ``chain_fields`` (one field name per level, top first).

    The topics every list needs (the roots and the children of each chosen value)
    are read in one query; the lists, their validation, and the parents of the
    chosen topics (``Topic.path()``, ``effective_route``) come from that read.
    """

    tree: str = ""
    chain_fields: tuple[str, ...] = ()

    def chain_roots(self) -> Q:
        """Which topics the first list offers (besides being active)."""
        return Q(tree=self.tree, depth=0)

    def chain_roots_queryset(self):
        return Topic.objects.filter(self.chain_roots(), is_active=True)

    def setup_chain(self) -> None:
        url = lookup_url("incidents:topic_children", with_id=True)
        values = [self._chain_value(name) for name in self.chain_fields]
        chosen_ids = []
        for value in values[:-1]:
            try:
                pk = int(value)
            except (TypeError, ValueError):
                break
            if not 0 < pk < 2**63:  # no such topic; and out of the database's range
                break
            chosen_ids.append(pk)
        # From the cached catalogue (incidents/lookups.py): no query on most requests.
        root_ids = lookups.topic_ids_matching(self.chain_roots())
        by_parent = children_by_parent(lookups.topic_catalogue())
        roots = [n for n in by_parent.get(None, ()) if n.pk in root_ids]
        children: dict[int, list[Topic]] = {
            pk: by_parent[pk] for pk in chosen_ids if pk in by_parent
        }
        self._chain_children = children
        self._chain_parents_read = set(chosen_ids)
        options: list[Topic] = roots
        parent = None
        for depth, name in enumerate(self.chain_fields):
            field = self.fields[name]
            if parent is not None:
                for option in options:
                    # Known: no query when walking up the path. The catalogue's nodes are
                    # kept per process, so after the first build it is set already (the
                    # descriptor's assignment costs more than the check).
                    if option._state.fields_cache.get("parent") is not parent:
                        option.parent = parent
            field.preload(self._chain_queryset(depth, parent), options, model=Topic)
            if depth + 1 < len(self.chain_fields):
                field.widget.attrs.update(
                    {
                        "data-chain-child": self.add_prefix(self.chain_fields[depth + 1]),
                        "data-children-url": url,
                    }
                )
            value = values[depth]
            parent = None
            if value not in (None, ""):
                try:
                    pk = int(value)
                except (TypeError, ValueError):
                    pk = None
                parent = next((o for o in options if o.pk == pk), None)
            options = children.get(parent.pk, []) if parent is not None else []

    def _chain_queryset(self, depth: int, parent: Topic | None):
        """What list ``depth`` offers, as a queryset built only if asked for."""

        def queryset():
            if depth == 0:
                qs = self.chain_roots_queryset()
            elif parent is not None:
                qs = Topic.objects.filter(parent=parent, is_active=True)
            else:
                qs = Topic.objects.none()
            return qs.order_by("sort_order", "name")

        return queryset

    def chain_has_children(self, topic: Topic) -> bool:
        """Whether the chosen ``topic`` has active children (from the catalogue read
        for the lists, or the cached catalogue: no query)."""
        if topic.pk in getattr(self, "_chain_parents_read", ()):
            return bool(self._chain_children.get(topic.pk))
        return any(node.parent_id == topic.pk for node in lookups.topic_catalogue())

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
