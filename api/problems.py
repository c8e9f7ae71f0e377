"""RFC 9457 problem details: every API error is ``application/problem+json``.

The ``detail`` is the same translated sentence the portal's pages show
(the active language comes from ``Accept-Language``).
"""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, ValidationError

PROBLEM_TYPE = "about:blank"
CONTENT_TYPE = "application/problem+json"


class ApiProblem(Exception):
    """Raised by an endpoint: answered as a problem document with ``status``."""

    def __init__(self, status: int, detail: str, *, errors=None, headers=None):
        super().__init__(detail)
        self.status = status
        self.detail = str(detail)
        self.errors = errors
        self.headers = headers or {}


def titles() -> dict[int, str]:
    return {
        400: _("Bad request"),
        401: _("Authentication required"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        409: _("Conflict"),
        422: _("The request cannot be accepted"),
        429: _("Too many requests"),
    }


def problem_response(status: int, detail: str, *, errors=None, headers=None) -> HttpResponse:
    body = {
        "type": PROBLEM_TYPE,
        "title": titles().get(status, _("Error")),
        "status": status,
        "detail": str(detail),
    }
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _location(loc) -> str:
    # ("body", "payload", "title") → "title"; ("query", "status") → "status"
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "form", "file")]
    if parts and parts[0] in ("payload", "data", "filters"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def _message(error: dict) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return _("This field is required.")
    if kind in ("string_too_long",):
        limit = (error.get("ctx") or {}).get("max_length")
        if limit:
            return _("Ensure this value has at most %(limit_value)d characters.") % {
                "limit_value": limit,
                "show_value": "",
            }
    if kind == "literal_error" or kind == "enum":
        return _("Select a valid choice. That choice is not one of the available choices.")
    if kind == "value_error" and error.get("msg", "").startswith("Value error, "):
        return error["msg"].removeprefix("Value error, ")
    return _("Enter a valid value.")


def validation_errors(errors: list[dict]) -> list[dict]:
    return [{"field": _location(e.get("loc", ())), "detail": _message(e)} for e in errors]


def install(api) -> None:
    """Answer every error of ``api`` as a problem document."""

    @api.exception_handler(ApiProblem)
    def on_problem(request, exc: ApiProblem):
        return problem_response(exc.status, exc.detail, errors=exc.errors, headers=exc.headers)

    @api.exception_handler(ValidationError)
    def on_validation(request, exc: ValidationError):
        return problem_response(
            422,
            _("Please correct the errors below."),
            errors=validation_errors(exc.errors),
        )

    @api.exception_handler(DjangoValidationError)
    def on_django_validation(request, exc: DjangoValidationError):
        return problem_response(422, " ".join(exc.messages))

    @api.exception_handler(AuthenticationError)
    def on_authentication(request, exc):
        return problem_response(
            401,
            _("Send a valid API token: Authorization: Bearer <token>."),
            headers={"WWW-Authenticate": 'Bearer realm="api"'},
        )

    @api.exception_handler(HttpError)
    def on_http_error(request, exc: HttpError):
        return problem_response(exc.status_code, str(exc))

    @api.exception_handler(Http404)
    def on_404(request, exc):
        return problem_response(404, _("No such object, or you may not see it."))

    @api.exception_handler(PermissionDenied)
    def on_denied(request, exc):
        return problem_response(403, str(exc) or _("Not allowed"))
