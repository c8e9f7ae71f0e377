"""The kill -9 test on SQLite: the test database lives in memory, so this scenario runs
entirely in subprocesses against its own database file (migrated for the test)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.conftest import is_postgres
from tests.notifications.test_worker_process import BASE_DIR, start_worker, stop

QUEUE_ONE = """
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from portal.lib.mail import send_after_commit
with transaction.atomic():
    send_after_commit(EmailMultiAlternatives("Message 0", "Body", to=["user0@example.com"]))
"""


@pytest.fixture
def sqlite_env(tmp_path, smtp):
    if is_postgres():
        pytest.skip("the PostgreSQL variant is in test_worker_process.py")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        SQLITE_PATH=str(tmp_path / "portal.sqlite3"),
        PORTAL_VAR_DIR=str(tmp_path),
        EMAIL_BACKEND="smtp",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp.port),
        EMAIL_USE_TLS="0",
        EMAIL_RETRY_BACKOFF_SECONDS="0",
        EMAIL_SENDING_TIMEOUT_SECONDS="1",
        DEBUG="0",
    )
    manage(env, "migrate", "--noinput")
    return env


def manage(env, *args) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr.decode()[-3000:]


def outbox(env) -> list[tuple]:
    with sqlite3.connect(env["SQLITE_PATH"]) as db:
        return db.execute(
            "SELECT status, attempts, message_id FROM notifications_outgoingemail"
        ).fetchall()


def test_a_worker_killed_mid_send_on_sqlite_leaves_the_message_to_be_delivered(sqlite_env, smtp):
    smtp.mailbox.stall.set()  # the server hangs in DATA
    manage(sqlite_env, "shell", "-c", QUEUE_ONE)
    worker = start_worker(sqlite_env, "--no-schedule")
    try:
        assert smtp.mailbox.data_started.wait(60), worker.stderr.read1().decode()
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=20)
    finally:
        stop(worker)
    [(status, attempts, message_id)] = outbox(sqlite_env)
    assert (status, attempts) == ("sending", 1) and smtp.mailbox.received == []
    smtp.mailbox.stall.clear()
    time.sleep(1.5)  # past EMAIL_SENDING_TIMEOUT_SECONDS

    manage(sqlite_env, "run_worker", "--batch")

    assert outbox(sqlite_env) == [("sent", 2, message_id)]
    assert [m["Message-ID"] for m in smtp.mailbox.received] == [message_id]
