from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

admin.site.site_header = settings.PORTAL_NAME
admin.site.site_title = settings.PORTAL_NAME

urlpatterns = [
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
    path("admin/", admin.site.urls),
]
