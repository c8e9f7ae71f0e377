"""Background tasks (django.tasks). Enqueue them; a worker (manage.py run_worker) runs them."""

from django.tasks import task
from django.utils.module_loading import import_string


@task
def send_email(pk: int) -> str:
    from .services import deliver

    return deliver(pk)


@task
def run_periodic(name: str, path: str):
    """Run one entry of settings.PORTAL_PERIODIC_TASKS (see notifications.scheduler)."""
    result = import_string(path)()
    return result if isinstance(result, int | str | dict | list | None) else str(result)
