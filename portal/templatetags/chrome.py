"""Tags for the page chrome every page draws (templates/base.html), issue 21.

``{% asset_url "css/portal.css" %}`` is ``{% static %}`` remembered per process: the
storage's answer for a path cannot change while the process runs (the storage reads
STATIC_URL and, in production, the manifest once, at start), but working it out costs
an app-registry look-up, URL quoting and joining on each of the six assets of every page.
A change of the static settings (tests' ``override_settings``) forgets what was remembered.
"""

import functools

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static

register = template.Library()

STATIC_SETTINGS = frozenset({"STATIC_URL", "STATIC_ROOT", "STORAGES", "DEBUG"})


@functools.lru_cache(maxsize=64)
def asset_url_for(path: str) -> str:
    return static(path)


@receiver(setting_changed)
def _forget_asset_urls(*, setting, **kwargs):
    if setting in STATIC_SETTINGS:
        asset_url_for.cache_clear()


@register.simple_tag
def asset_url(path: str) -> str:
    """The static URL of ``path``, as ``{% static %}`` gives it (escaped like any value)."""
    return asset_url_for(path)
