"""Widgets of the incident forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language

# The options of a long list that is the same for every user change only with a deploy
# (the tz database, the country names of a language): a day in the cache is plenty.
OPTIONS_CACHE_SECONDS = 24 * 60 * 60


class CachedOptionsSelect(forms.Select):
    """A drop-down of a long list that does not depend on the user (time zones,
    countries): its ``<option>`` elements are rendered by a template once per list,
    language and chosen value, then read from the cache (a template fragment).

    Django renders every option through two template includes (about 0.1 ms each:
    50-70 ms for the 519 time zones on a busy machine); ``cache_name`` names the list
    in the fragment's key, so give every list of choices its own name.
    """

    template_name = "incidents/widgets/cached_select.html"

    def __init__(self, cache_name: str, attrs=None, choices=(), listed=None):
        super().__init__(attrs, choices)
        self.cache_name = cache_name
        # listed(value) -> bool: whether the list holds the value. A value it does not
        # hold selects no option (as with Select) and is not part of the cache key, so
        # posted junk cannot fill the cache with copies of the list.
        self.listed = listed

    def get_context(self, name, value, attrs):
        # Widget's context only: the options are built by the template, on a cache miss.
        context = forms.Widget.get_context(self, name, value, attrs)
        widget = context["widget"]
        chosen = widget["value"]
        if self.listed is not None and not all(self.listed(v) for v in chosen):
            chosen = []
        widget["chosen"] = chosen
        widget["optgroups"] = lambda: self.optgroups(name, chosen, attrs)
        widget["cache_name"] = self.cache_name
        widget["language"] = get_language()
        widget["cache_seconds"] = OPTIONS_CACHE_SECONDS
        return context
