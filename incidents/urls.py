"""Each feature module of ``incidents.views`` owns its own ``urlpatterns``."""

from .views import (
    azure,
    business,
    catalog,
    confirmation,
    csp,
    dashboard,
    manage,
    office365,
    queue,
    queue_bulk,
    queue_detail,
    queue_export,
    queue_saved,
)

app_name = "incidents"

urlpatterns = [
    *catalog.urlpatterns,
    *confirmation.urlpatterns,
    *office365.urlpatterns,
    *azure.urlpatterns,
    *business.urlpatterns,
    *csp.urlpatterns,
    *manage.urlpatterns,
    *dashboard.urlpatterns,
    *queue.urlpatterns,
    # Before queue_detail: its queue/<number>/ would take these paths.
    *queue_bulk.urlpatterns,
    *queue_export.urlpatterns,
    *queue_saved.urlpatterns,
    *queue_detail.urlpatterns,
]
