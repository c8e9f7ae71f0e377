"""The portal's worker: django-tasks-db's database worker, the periodic-task tick and the
outbox poll (the outbox rows are the e-mail queue: notifications.services.deliver_due)."""

from __future__ import annotations

import logging
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from notifications.scheduler import enqueue_due
from notifications.services import deliver_due

logger = logging.getLogger("notifications.worker")


class Command(BaseCommand):
    help = (
        "Run background tasks from the database queue, send the due e-mails of the outbox "
        "and enqueue due periodic tasks (settings.PORTAL_PERIODIC_TASKS). Several workers "
        "may run at once."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="Idle poll (seconds).")
        parser.add_argument(
            "--tick", type=float, default=60.0, help="Seconds between periodic-task checks."
        )
        parser.add_argument("--queue-name", default="default")
        parser.add_argument("--no-schedule", action="store_true", help="Only run tasks.")
        parser.add_argument(
            "--batch", action="store_true", help="Run what is due now, then exit (tests, cron)."
        )
        parser.add_argument("--worker-id", default="")

    def handle(self, *, interval, tick, queue_name, no_schedule, batch, worker_id, **options):
        worker = Worker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=True,  # drain what is ready, then return here for the tick
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id or get_random_string(32),
            excluded_queue_names=[],
        )
        if not batch:
            worker.configure_signals()
        next_tick = 0.0
        while worker.running:
            if not no_schedule and time.monotonic() >= next_tick:
                self._tick()
                next_tick = time.monotonic() + tick
            worker.run()
            self._send_mail()
            if batch:
                return
            close_old_connections()
            time.sleep(interval)

    def _send_mail(self) -> None:
        try:
            deliver_due()
        except Exception:  # noqa: BLE001 - a failed poll must not stop the worker
            logger.exception("Outbox poll failed")

    def _tick(self) -> None:
        try:
            claimed = enqueue_due()
        except Exception:  # noqa: BLE001 - a failed tick must not stop the worker
            logger.exception("Periodic task check failed")
            return
        if claimed:
            logger.info("Enqueued periodic tasks: %s", ", ".join(claimed))
