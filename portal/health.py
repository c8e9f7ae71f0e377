"""Health endpoints for load balancers and orchestrators (README "Health checks").

Plain text, never cached, no session or CSRF cookie (HealthCheckMiddleware calls them
before those middlewares run), reachable over plain HTTP (SECURE_REDIRECT_EXEMPT).
"""

import logging

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse

logger = logging.getLogger(__name__)
_migrations_checked = False


def _plain(text: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(f"{text}\n", status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def healthz(request):
    """The process is up and answering. Touches nothing else."""
    return _plain("ok")


def _unapplied_migrations() -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def readyz(request):
    """Ready for traffic: the database answers (within DB_CONNECT_TIMEOUT / DB_POOL_TIMEOUT)
    and every migration is applied (checked until it is true once in this process)."""
    global _migrations_checked
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if not _migrations_checked:
            pending = _unapplied_migrations()
            if pending:
                return _plain(f"not ready: {pending} unapplied migrations", status=503)
            _migrations_checked = True
    except DatabaseError as exc:
        logger.warning("readyz: database unavailable: %s", exc.__class__.__name__)
        return _plain("not ready: database unavailable", status=503)
    return _plain("ready")
