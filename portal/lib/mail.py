"""One way to build and queue e-mail: templates/emails/<name>-subject.txt|-body.txt|-body.html.

``render_email`` is the one renderer: the subject and the text body go through a
template engine without HTML autoescaping (they are plain text), and the subject is
squeezed to one header-safe line whatever the user typed. Nothing here talks to an
SMTP server: ``send_after_commit`` / ``queue_email`` store the message in the outbox
(notifications.OutgoingEmail) and a background task sends it after the commit.

An e-mail named in ``RENDERED_BY_WORKER`` may instead be queued unrendered
(``outbox_row_rendered_later``): its row keeps the template's name, the language and
what its context is built from, and the worker renders it at the first attempt
(``render_kept``), with the same ``render_email``.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, Engine, TemplateDoesNotExist
from django.template.backends.django import DjangoTemplates
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.module_loading import import_string

# Characters that end a line somewhere (str.splitlines) or are control characters.
_BREAKING_CATEGORIES = {"Cc", "Zl", "Zp"}


def one_line(text: str) -> str:
    """A header-safe single line: every line break and control character becomes a space,
    runs of whitespace collapse to one, ends are stripped."""
    cleaned = "".join(
        " " if unicodedata.category(ch) in _BREAKING_CATEGORIES else ch for ch in str(text)
    )
    return " ".join(cleaned.split())


@functools.cache
def _text_engine() -> Engine:
    """The project's templates, rendered as plain text (no HTML autoescaping)."""
    backend = DjangoTemplates(
        {
            "NAME": "email-text",
            "DIRS": settings.TEMPLATES[0]["DIRS"],
            "APP_DIRS": True,
            "OPTIONS": {"autoescape": False},
        }
    )
    return backend.engine


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(name: str, ctx: dict, *, language: str | None = None) -> RenderedEmail:
    """Render subject, text and (optional) HTML body of the named e-mail in ``language``."""
    with translation.override(language or translation.get_language()):
        ctx = {"PORTAL_NAME": settings.PORTAL_NAME, **ctx}
        engine = _text_engine()
        subject = one_line(engine.get_template(f"emails/{name}-subject.txt").render(Context(ctx)))
        text = engine.get_template(f"emails/{name}-body.txt").render(Context(ctx))
        try:
            html = render_to_string(f"emails/{name}-body.html", ctx)
        except TemplateDoesNotExist:
            html = ""
    return RenderedEmail(subject=subject, text=text, html=html)


def make_message(
    name: str, to: Iterable[str], ctx: dict, *, language: str | None = None
) -> EmailMultiAlternatives:
    """The named e-mail as a message object (for ``send_after_commit``)."""
    rendered = render_email(name, ctx, language=language)
    message = EmailMultiAlternatives(
        rendered.subject, rendered.text, settings.DEFAULT_FROM_EMAIL, list(to)
    )
    if rendered.html:
        message.attach_alternative(rendered.html, "text/html")
    return message


# E-mails the worker renders: name -> the function building the template's context from
# what the outbox row keeps (``context``, JSON). Only these names: a row names no code.
RENDERED_BY_WORKER = {
    "incident-submitted": "incidents.services.confirmation_context",
}


def outbox_row_rendered_later(name: str, to: Iterable[str], context: dict, *, language: str):
    """The unsaved outbox row of the named e-mail, rendered by the worker that sends it
    (``render_kept``); None when nothing is to be sent. As ``outbox_row``: save it in
    the caller's transaction, then ``queued(row)``."""
    from notifications.services import outbox_row_to_render

    if name not in RENDERED_BY_WORKER:
        raise ValueError(f"{name!r} is not an e-mail the worker renders")
    return outbox_row_to_render(name, list(to), context, language=language)


def render_kept(name: str, context: dict, language: str) -> RenderedEmail:
    """Render an e-mail queued by ``outbox_row_rendered_later``, in its language."""
    build = import_string(RENDERED_BY_WORKER[name])
    return render_email(name, build(context), language=language or None)


def send_after_commit(message: EmailMultiAlternatives):
    """Queue the message: stored in this transaction, sent by a worker after the commit.

    A rolled-back change leaves no message; the request never waits for SMTP.
    """
    from notifications.services import queue_message

    return queue_message(message)


def outbox_row(message: EmailMultiAlternatives):
    """The unsaved outbox row of ``message`` (or None: nothing to send), for a caller that
    writes it together with its own rows; then ``queued(row)``."""
    from notifications.services import outbox_row as row

    return row(message)


def queued(email):
    from notifications.services import queued as done

    return done(email)


def queue_email(name: str, to: Iterable[str], ctx: dict, *, language: str | None = None):
    """Render the named e-mail and queue it (see ``send_after_commit``)."""
    return send_after_commit(make_message(name, to, ctx, language=language))
