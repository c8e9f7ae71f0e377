"""The worker as its own process (PostgreSQL: the subprocess must see the test database;
the SQLite variant of the kill test is test_worker_process_sqlite.py):
killed mid-send, the message is still delivered; several workers send everything once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction

from notifications.models import OutgoingEmail
from portal.lib.mail import send_after_commit
from tests.conftest import is_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if not is_postgres():
        pytest.skip("a worker subprocess needs a shared database server (PostgreSQL)")


def worker_env(smtp, **extra) -> dict:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DB_POOL": "0",
        "EMAIL_BACKEND": "smtp",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_TIMEOUT": "30",
        "EMAIL_RETRY_BACKOFF_SECONDS": "0",
        "DEBUG": "0",
        **extra,
    }


def start_worker(env, *args) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--interval", "0.1", *args],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def queue(n=1) -> list[int]:
    with transaction.atomic():
        emails = [
            send_after_commit(
                EmailMultiAlternatives(f"Message {i}", "Body", to=[f"user{i}@example.com"])
            )
            for i in range(n)
        ]
    return [e.pk for e in emails]


def wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_worker_killed_mid_send_leaves_the_message_to_be_delivered_later(db_queue, smtp):
    smtp.mailbox.stall.set()  # the server hangs in DATA
    [pk] = queue()
    env = worker_env(smtp, EMAIL_SENDING_TIMEOUT_SECONDS="1")
    worker = start_worker(env, "--no-schedule")
    try:
        assert smtp.mailbox.data_started.wait(60), worker.stderr.read1().decode()
        os.kill(worker.pid, signal.SIGKILL)  # kill -9 while the message is being sent
        worker.wait(timeout=20)
    finally:
        stop(worker)
    email = OutgoingEmail.objects.get(pk=pk)
    assert email.status == OutgoingEmail.Status.SENDING and smtp.mailbox.received == []
    smtp.mailbox.stall.clear()  # the server answers normally again
    time.sleep(1.5)  # past EMAIL_SENDING_TIMEOUT_SECONDS

    # A new worker: its periodic sweep finds the stale message and sends it.
    restarted = subprocess.run(
        [sys.executable, "manage.py", "run_worker", "--batch"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert restarted.returncode == 0, restarted.stderr.decode()

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT and email.attempts == 2
    assert [m["Message-ID"] for m in smtp.mailbox.received] == [email.message_id]


def test_several_workers_send_every_message_exactly_once(db_queue, smtp):
    pks = queue(24)
    env = worker_env(smtp)
    workers = [start_worker(env, "--no-schedule") for _ in range(3)]
    try:
        done = wait_for(
            lambda: OutgoingEmail.objects.filter(pk__in=pks, status="sent").count() == len(pks)
        )
    finally:
        for worker in workers:
            stop(worker)
    assert done, [w.stderr.read1().decode()[-2000:] for w in workers]
    ids = [m["Message-ID"] for m in smtp.mailbox.received]
    assert len(ids) == len(pks) == len(set(ids))
    assert set(OutgoingEmail.objects.values_list("attempts", flat=True)) == {1}
