"""One way to build and send e-mail: templates/emails/<name>-subject.txt|-body.txt|-body.html."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation


def make_message(
    name: str, to: Iterable[str], ctx: dict, *, language: str | None = None
) -> EmailMultiAlternatives:
    """Render the named e-mail in ``language`` (default: the active one)."""
    with translation.override(language or translation.get_language()):
        ctx = {"PORTAL_NAME": settings.PORTAL_NAME, **ctx}
        subject = render_to_string(f"emails/{name}-subject.txt", ctx).strip().replace("\n", " ")
        body = render_to_string(f"emails/{name}-body.txt", ctx)
        try:
            html = render_to_string(f"emails/{name}-body.html", ctx)
        except TemplateDoesNotExist:
            html = None
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, list(to))
    if html:
        message.attach_alternative(html, "text/html")
    return message


def send_after_commit(message: EmailMultiAlternatives) -> None:
    """Send once the surrounding transaction commits; never for a rolled-back change."""
    transaction.on_commit(lambda: message.send(fail_silently=False))
