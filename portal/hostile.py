"""Refuses requests carrying characters no field of the portal may hold.

A NUL byte is accepted by Python and SQLite but rejected by PostgreSQL (a 500
from deep inside a query), and no text of the portal may contain one. This
middleware answers HTTP 400 before any view or database query sees a NUL in
the path, the query string, a form field (name or value), an uploaded file's
name or a cookie. Sits right after the CSP middleware, so the 400 page is
rendered with a nonce like any other page.
"""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.http import HttpRequest

FORBIDDEN = "\x00"


def _has_forbidden(values) -> bool:
    return any(FORBIDDEN in value for value in values if isinstance(value, str))


def _multi_values(data) -> list[str]:
    items = []
    for key, values in data.lists():
        items.append(key)
        items.extend(values)
    return items


def has_forbidden_input(request: HttpRequest) -> bool:
    if FORBIDDEN in request.path or FORBIDDEN in request.path_info:
        return True
    if "%00" in request.META.get("QUERY_STRING", ""):
        return True
    if _has_forbidden(_multi_values(request.GET)):
        return True
    if _has_forbidden([*request.COOKIES.keys(), *request.COOKIES.values()]):
        return True
    if request.method == "POST":
        if _has_forbidden(_multi_values(request.POST)):
            return True
        names = [upload.name for _, uploads in request.FILES.lists() for upload in uploads]
        if _has_forbidden([*request.FILES.keys(), *names]):
            return True
    return False


class RejectHostileInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_forbidden_input(request):
            raise BadRequest("A NUL character in the request.")
        return self.get_response(request)


def axes_username(request, credentials=None) -> str:
    """The user name django-axes records (``AXES_USERNAME_CALLABLE``).

    Cut to the longest user name an account can have: a longer one cannot be
    anyone's, and axes could not store it (a 500 on PostgreSQL before this).
    """
    from django.contrib.auth import get_user_model

    field = get_user_model().USERNAME_FIELD
    if credentials:
        value = credentials.get(field)
    else:
        value = request.POST.get(field) if request is not None else None
    limit = get_user_model()._meta.get_field(field).max_length or 150
    return str(value or "").replace(FORBIDDEN, "")[:limit]
