"""``{% widget_attrs widget.attrs %}``: Django's ``django/forms/widgets/attrs.html`` in one
call, for the one-template widgets (incidents/forms/widgets.py).

attrs.html loops over the attributes with two ``{% if %}``s, a variable and a filter per
attribute: most of what drawing an input cost (issue 21). Same markup: an attribute whose
value is ``False`` is left out, ``True`` gives the bare name, anything else ``name="value"``;
names and values escaped as the template escapes them (safe strings as they are).

Built from escaped pieces and safe literals, not ``format_html``: with the lazy-argument
wrappers of ``escape`` (keep_lazy) that took ten times as long per attribute, on every
attribute of every widget.
"""

from __future__ import annotations

from django import template
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_NOTHING = mark_safe("")
_SPACE = mark_safe(" ")
_EQUALS = mark_safe('="')
_QUOTE = mark_safe('"')
# django.utils.html.escape itself, without keep_lazy's wrapper (lazy strings are made
# str below, as conditional_escape does).
_escape = escape.__wrapped__


def _escaped(value) -> SafeString:
    """django.utils.html.conditional_escape: a safe string as it is, the rest escaped."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape(value)


@register.simple_tag
def widget_attrs(attrs) -> SafeString:
    html = _NOTHING
    for name, value in attrs.items():
        if value is False:
            continue
        html += _SPACE + _escaped(name)
        if value is not True:
            html += _EQUALS + _escaped(value) + _QUOTE
    return html
