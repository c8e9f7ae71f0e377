from django import template
from django.conf import settings

from drafts.models import Draft

register = template.Library()


@register.simple_tag(takes_context=True)
def open_drafts(context):
    """The signed-in user's own unfinished wizards, last changed first (one query)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return list(Draft.objects.of(user).open().defer("state"))


@register.simple_tag
def draft_max_age_days():
    return settings.DRAFT_MAX_AGE_DAYS
