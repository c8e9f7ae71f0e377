from django.conf import settings
from django.conf.urls.i18n import i18n_patterns  # noqa: F401  (kept for future localized paths)
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from partners import views as partner_views

admin.site.site_header = settings.PORTAL_NAME
admin.site.site_title = settings.PORTAL_NAME

urlpatterns = [
    path("", partner_views.home, name="home"),
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
    path("admin/", admin.site.urls),
    path("", include("api.urls")),  # /api/v1/ and the API token page
]
