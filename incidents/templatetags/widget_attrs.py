"""``{% widget_attrs widget.attrs %}``: Django's ``django/forms/widgets/attrs.html`` in one
call, for the one-template widgets (incidents/forms/widgets.py).

attrs.html loops over the attributes with two ``{% if %}``s, a variable and a filter per
attribute: most of what drawing an input cost (issue 21). Same markup: an attribute whose
value is ``False`` is left out, ``True`` gives the bare name, anything else ``name="value"``;
names and values escaped as the template escapes them (safe strings as they are).
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def widget_attrs(attrs) -> str:
    return format_html_join(
        "",
        " {}{}",
        (
            (name, "" if value is True else format_html('="{}"', value))
            for name, value in attrs.items()
            if value is not False
        ),
    )
