"""django-helpdesk's URLs plus the same floor as the portal's bench (bench/urls.py)."""

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_GET


@require_GET
@login_required
def floor(request):
    """The least a logged-in page can cost here: same middleware, a few bytes."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/floor/", floor, name="bench_floor"),
    path("admin/", admin.site.urls),
    path("", include("helpdesk.urls", namespace="helpdesk")),
]
