"""``{% safe_static "path" as url %}``: the static URL, or "" when it cannot be made.

Used only by the plain error pages, which must render even when the thing that failed
is the static files themselves (a missing manifest or manifest entry).
"""

import logging

from django import template
from django.templatetags.static import static

register = template.Library()
logger = logging.getLogger(__name__)


@register.simple_tag
def safe_static(path: str) -> str:
    try:
        return static(path)
    except Exception:
        logger.exception("No static URL for %s", path)
        return ""
