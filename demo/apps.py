from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Project tooling above the apps: ``load_demo`` and the catalogue ``makemessages``."""

    name = "demo"
