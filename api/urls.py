from django.urls import path

from . import views
from .main import api

# The token page (linked from the profile); the API and its docs under /api/v1/.
token_urlpatterns = [
    path("api-tokens/", views.tokens, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", views.revoke_token, name="api_token_revoke"),
]

urlpatterns = [
    path("api/v1/docs", views.docs, name="api_docs"),
    path("api/v1/", api.urls),
    *token_urlpatterns,
]
