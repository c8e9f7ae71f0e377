"""Keep django.tasks in step with settings.TASKS when a test overrides it."""

from asgiref.local import Local
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.tasks import task_backends


@receiver(setting_changed)
def _reset_task_backends(*, setting, **kwargs) -> None:
    if setting == "TASKS":
        task_backends.__dict__.pop("settings", None)
        task_backends._connections = Local(task_backends.thread_critical)
