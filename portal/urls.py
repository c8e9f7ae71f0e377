from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal import health

admin.site.site_header = settings.PORTAL_NAME
admin.site.site_title = settings.PORTAL_NAME

# A database outage becomes a plain 503; the 500 page never fails (portal/ops.py).
handler500 = "portal.ops.server_error"

urlpatterns = [
    # Load balancer / orchestrator probes (portal/health.py): public, plain text.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", include("partners.home_urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("partners.urls")),
    path("contracts/", include("contracts.urls")),
    path("incidents/", include("incidents.urls")),
    path("purchases/", include("purchases.urls")),
    path("payments/", include("payments.urls")),
    path("drafts/", include("drafts.views")),
    path("admin/", admin.site.urls),
    path("", include("api.urls")),  # /api/v1/ and the API token page
]
