"""Real parts for the queue tests: the database task backend, the real worker command and
a local SMTP server (aiosmtpd) whose behaviour each test chooses."""

from __future__ import annotations

import asyncio
import socket
import threading
from email import message_from_bytes, policy
from io import StringIO
from unittest import mock

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """An SMTP handler: answers ``fail_first`` messages with a 4xx, can stall on DATA."""

    def __init__(self):
        self.received = []
        self.fail_first = 0
        self.fail_code = "451 4.3.0 Try again later"
        self.stall = threading.Event()  # set: DATA hangs until released
        self.release = threading.Event()
        self.data_started = threading.Event()
        self.attempts = 0

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        self.data_started.set()
        if self.stall.is_set():
            # Hang until released, then give up on this transaction without delivering.
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            self.stall.clear()
            return "451 4.4.2 Timeout"
        if self.fail_first > 0:
            self.fail_first -= 1
            return self.fail_code
        self.received.append(message_from_bytes(envelope.original_content, policy=policy.SMTP))
        return "250 OK"


class SmtpServer:
    def __init__(self):
        self.port = free_port()
        self.mailbox = Mailbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.mailbox.release.set()
            self.controller.stop()
            self.controller = None

    def mailer(self) -> dict:
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {
                    "host": "127.0.0.1",
                    "port": self.port,
                    "use_tls": False,
                    "timeout": 5,
                },
            }
        }


@pytest.fixture
def db_queue(settings):
    """Tasks go to the database queue; only the worker runs them."""
    settings.TASKS = DB_TASKS
    settings.EMAIL_RETRY_BACKOFF_SECONDS = 0
    return settings


@pytest.fixture
def smtp(settings):
    """A running local SMTP server that the portal's mailer points at."""
    server = SmtpServer()
    server.start()
    settings.MAILERS = server.mailer()
    yield server
    server.stop()


def run_worker(*extra: str) -> str:
    """The real worker command, in this process: runs what is ready, then returns."""
    out = StringIO()
    # The worker closes the database connection between tasks, as Django does between
    # requests; inside a test transaction that would end the test's transaction, so here
    # (like the test client, which disconnects it from the request signals) it is a no-op.
    with (
        mock.patch(
            "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
        ),
        mock.patch("notifications.management.commands.run_worker.close_old_connections"),
    ):
        call_command("run_worker", "--batch", *extra, stdout=out, stderr=out)
    return out.getvalue()
