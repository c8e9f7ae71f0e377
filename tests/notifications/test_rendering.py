"""One renderer for every e-mail: one-line, unescaped subjects; plain-text bodies unescaped."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from portal.lib.mail import make_message, one_line, render_email
from tests.incidents.test_workflow_builders import make_incident

BREAKS = ["\r", "\n", "\r\n", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("char", BREAKS + ["\x00", "\x07", "\x1b", "\x7f", "\t"])
def test_every_line_break_and_control_character_becomes_one_space(char):
    assert one_line(f"  Before{char}{char}after  ") == "Before after"


def test_ordinary_text_is_kept():
    assert one_line('Überweisung "><b> & 日本語') == 'Überweisung "><b> & 日本語'


@pytest.mark.django_db
def test_the_subject_is_one_line_and_not_html_escaped(partner_user):
    incident = make_incident(partner_user, title='A\u2028B\rC\x85D "><script>')
    rendered = render_email("incident-submitted", {"incident": incident, "user": partner_user})
    assert rendered.subject == f'Support request {incident.number}: A B C D "><script>'
    assert 'A\u2028B\rC\x85D "><script>' in rendered.text  # the body keeps what was typed


@pytest.mark.django_db
def test_a_hostile_subject_builds_a_valid_message(partner_user):
    incident = make_incident(partner_user, title="Injected\r\nBcc: victim@example.com")
    message = make_message("incident-submitted", ["a@example.com"], {"incident": incident})
    headers = message.message().as_string().split("\n\n", 1)[0]
    assert "\nBcc:" not in headers
    assert "Subject: Support request" in headers and "Injected Bcc: victim" in headers
    assert message.recipients() == ["a@example.com"]


@pytest.mark.django_db
def test_a_message_built_elsewhere_is_queued_with_a_safe_subject(
    django_capture_on_commit_callbacks,
):
    from portal.lib.mail import send_after_commit

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_after_commit(EmailMultiAlternatives("Two\nlines", "Body", to=["a@example.com"]))
    assert [m.subject for m in mail.outbox] == ["Two lines"]
