from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Incidents")

    def ready(self):
        from . import azure, detail
        from .lookups import connect_catalogue_signals, connect_signals
        from .wizards import business_cache

        connect_signals()
        connect_catalogue_signals()
        detail.connect_signals()
        azure.connect_signals()
        business_cache.connect_signals()
