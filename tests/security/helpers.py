"""Shared by the hostile-input tests: what a refused request must leave unchanged."""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver
from formtools.wizard.views import WizardView

# The models a request from the portal can write to (admin log and sessions aside).
WATCHED_APPS = ("partners", "contracts", "incidents")


def _watched_models():
    for label in WATCHED_APPS:
        yield from apps.get_app_config(label).get_models(include_auto_created=True)


def row_counts() -> dict[str, int]:
    """Rows of every table of the portal's apps (many-to-many tables too), in one query."""
    models = list(_watched_models())
    tables = [connection.ops.quote_name(m._meta.db_table) for m in models]
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {t})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return {m._meta.label: n for m, n in zip(models, row, strict=True)}


def files_under(*roots) -> set[str]:
    found = set()
    for root in roots:
        root = Path(root)
        if root.exists():
            found.update(str(p) for p in root.rglob("*") if p.is_file())
    return found


def upload_roots() -> tuple:
    return (settings.MEDIA_ROOT,)  # wizard files live under MEDIA_ROOT/drafts/ (issue 17)


def _walk_callbacks(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            if namespace and ns:
                ns = f"{namespace}:{ns}"
            yield from _walk_callbacks(pattern.url_patterns, ns or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, pattern.callback


def wizard_urls() -> dict[str, type]:
    """Every URL name served by a form wizard, with its class (from the resolver)."""
    found = {}
    for name, callback in _walk_callbacks(get_resolver().url_patterns):
        view_class = getattr(callback, "view_class", None)
        if isinstance(view_class, type) and issubclass(view_class, WizardView):
            found[name] = view_class
    return dict(sorted(found.items()))
