"""Bearer-token authentication, scopes and per-token throttling for API v1.

Only ``Authorization: Bearer <token>`` authenticates: a session cookie never
does, so the API has no CSRF surface. ``request.user`` becomes the token's user
for the services the endpoints call.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from .models import ApiToken
from .problems import ApiProblem

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        found = ApiToken.objects.authenticate(token.strip())
        if found is None:
            return None  # ninja answers 401 (a problem document, see problems.py)
        wait = found.count_call(
            limit=settings.API_THROTTLE_CALLS, window_seconds=settings.API_THROTTLE_WINDOW
        )
        if wait:
            raise ApiProblem(
                429,
                _("Too many requests with this token. Try again in %(seconds)d seconds.")
                % {"seconds": wait},
                headers={"Retry-After": str(wait)},
            )
        if request.method not in SAFE_METHODS and not found.can_write:
            # Scopes are checked here, once, before any input is read.
            raise ApiProblem(
                403, _("This API token may only read. Create a token with the write scope.")
            )
        request.user = found.user
        request.api_token = found
        return found


token_auth = TokenAuth()
