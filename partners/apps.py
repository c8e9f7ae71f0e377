from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners")

    def ready(self):
        from . import engineer_cache, signals  # noqa: F401  (signals connects the receivers)
        from .eligibility import connect_signals

        connect_signals()
        engineer_cache.connect_signals()
