"""Operations: request ids and the per-request log line, health checks that bypass
sessions, and the error handler that turns a database outage into a plain 503.

Every piece here works without the database: they run when it is down.
"""

import logging
import re
import sys
import time
import uuid

from django.db import OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils.functional import empty
from django.views import defaults

request_log = logging.getLogger("portal.request")
logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
# An incoming id is kept only if it is a short, plain token (no spaces, no markup).
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
# URL names (and paths) answered straight away, before sessions, authentication or CSRF.
HEALTH_URL_NAMES = frozenset({"healthz", "readyz"})
RETRY_AFTER_SECONDS = 10


def request_id_for(request) -> str:
    incoming = request.META.get("HTTP_X_REQUEST_ID", "")
    if SANE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def _user_id(request) -> str:
    """The signed-in user's id, without loading the user just for the log line."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return "-"
    return str(user.pk) if user.is_authenticated else "-"


class RequestLogMiddleware:
    """Outermost middleware: gives each request an id (``X-Request-ID``, taken from the
    proxy when it is a sane token) and logs one line per request with method, path,
    status, duration and user id. No query strings, names or e-mail addresses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_for(request)
        start = time.monotonic()
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.request_id
        request_log.info(
            "%s %s %s %.1fms user=%s request_id=%s",
            request.method,
            request.path,
            response.status_code,
            (time.monotonic() - start) * 1000,
            _user_id(request),
            request.request_id,
        )
        return response


class HealthCheckMiddleware:
    """Answers /healthz and /readyz before sessions, authentication and CSRF run, so a
    load balancer's probe never reads or sets a cookie and /healthz never touches the
    database. Sits right after ``SecurityMiddleware`` (SECURE_REDIRECT_EXEMPT)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Cheap test first: only the two health paths are resolved.
        if request.path_info.strip("/") in HEALTH_URL_NAMES:
            try:
                match = resolve(request.path_info)
            except Resolver404:
                match = None
            if match is not None and match.url_name in HEALTH_URL_NAMES:
                return match.func(request, *match.args, **match.kwargs)
        return self.get_response(request)


def _is_database_outage(exc) -> bool:
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, OperationalError):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def database_unavailable(request=None):
    """The plain "temporarily unavailable" page: no request context, no database."""
    response = HttpResponse(
        loader.get_template("503.html").render(), status=503, content_type="text/html"
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: a database outage becomes a 503; anything else the plain 500 page.

    Called by Django while the exception is being handled, so ``sys.exception()`` is it.
    If even the error page cannot be rendered, a plain-text 500 is returned."""
    try:
        if _is_database_outage(sys.exception()):
            return database_unavailable(request)
        return defaults.server_error(request, template_name)
    except Exception:
        logger.exception("The error page itself failed")
        return HttpResponseServerError("Server Error (500)", content_type="text/plain")
