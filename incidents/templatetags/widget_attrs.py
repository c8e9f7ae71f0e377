"""``{% widget_attrs widget.attrs %}``: Django's ``django/forms/widgets/attrs.html`` in one
call, for the one-template widgets (incidents/forms/widgets.py).

attrs.html loops over the attributes with two ``{% if %}``s, a variable and a filter per
attribute: most of what drawing an input cost (issue 21). Same markup: an attribute whose
value is ``False`` is left out, ``True`` gives the bare name, anything else ``name="value"``;
names and values escaped as the template escapes them (safe strings as they are).
"""

from __future__ import annotations

import html

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


def _escaped(value) -> str:
    # django.utils.html.conditional_escape without its lazy-argument wrappers (called for
    # every attribute of every widget): a safe string as it is, anything else escaped.
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


@register.simple_tag
def widget_attrs(attrs) -> str:
    return mark_safe(
        "".join(
            f" {_escaped(name)}" if value is True else f' {_escaped(name)}="{_escaped(value)}"'
            for name, value in attrs.items()
            if value is not False
        )
    )
