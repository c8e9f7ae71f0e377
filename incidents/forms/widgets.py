"""Widgets of the incident forms."""

from __future__ import annotations

from django import forms
from django.forms.renderers import DjangoTemplates
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

    def __init__(self, cache_name: str, attrs=None, choices=(), listed=None, first_value=None):
        super().__init__(attrs, choices)
        self.cache_name = cache_name
        # listed(value) -> bool: whether the list holds the value. A value it does not
        # hold selects no option (as with Select) and is not part of the cache key, so
        # posted junk cannot fill the cache with copies of the list.
        self.listed = listed
        # first_value() -> the value of the list's first option ("" for a placeholder),
        # None for an empty list, without walking the list.
        self.first_value = first_value

    def use_required_attribute(self, initial):
        # Select asks whether the first option is empty with next(iter(self.choices)),
        # which normalizes the whole list each time (0.2-0.5 ms for the time zones).
        if self.first_value is None:
            return super().use_required_attribute(initial)
        return forms.Widget.use_required_attribute(self, initial) and self.first_value() == ""

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


# Django's widget templates include one another: a text box is text.html -> input.html ->
# attrs.html, a radio button radio_option.html -> input_option.html -> input.html ->
# attrs.html, and a drop-down renders select_option.html + attrs.html for every option
# (issue 21: most of the templates a wizard step renders). These project templates are the
# same markup with the includes written in, one template per widget (per radio button).
_INPUT = "incidents/widgets/input.html"
OPTION_TEMPLATE = "incidents/widgets/input_option.html"
ONE_TEMPLATE = {
    **{
        f"django/forms/widgets/{kind}.html": _INPUT
        for kind in (
            "input checkbox color date datetime email file hidden number password search "
            "tel text time url"
        ).split()
    },
    "django/forms/widgets/input_option.html": OPTION_TEMPLATE,
    "django/forms/widgets/radio_option.html": OPTION_TEMPLATE,
    "django/forms/widgets/checkbox_option.html": OPTION_TEMPLATE,
    "django/forms/widgets/textarea.html": "incidents/widgets/textarea.html",
    "django/forms/widgets/clearable_file_input.html": "incidents/widgets/clearable_file_input.html",
    "django/forms/widgets/select.html": "incidents/widgets/select.html",
}


class OneTemplateRenderer(DjangoTemplates):
    """Django's form renderer, with a Django widget template that only includes others
    swapped for its one-template twin (``ONE_TEMPLATE``): the HTML is the same byte for
    byte (tests/incidents/test_widget_templates.py). Other templates are Django's own."""

    def get_template(self, template_name):
        return super().get_template(ONE_TEMPLATE.get(template_name, template_name))


# One instance: its template engine (and the cached loader in it) is built once.
ONE_TEMPLATE_RENDERER = OneTemplateRenderer()
