"""API v1: one NinjaAPI, token authentication on every operation, problem details for errors."""

from __future__ import annotations

from ninja import NinjaAPI

from . import catalogue, problems, requests
from .auth import token_auth

api = NinjaAPI(
    title="Partner Support Portal API",
    version="1",
    description=(
        "Service requests, support topics and contracts for partner systems. "
        "Authenticate with `Authorization: Bearer <token>` (create a token under "
        "Profile → API tokens). Errors are RFC 9457 problem details."
    ),
    urls_namespace="api-v1",
    auth=token_auth,
    docs_url=None,  # served by api.views.docs from static/ (no CDN, CSP nonces)
)
problems.install(api)
api.add_router("", requests.router)
api.add_router("", catalogue.router)

_original_schema = api.get_openapi_schema


def get_openapi_schema(*args, **kwargs):
    """Errors are documented as ``application/problem+json``, as they are sent."""
    schema = _original_schema(*args, **kwargs)
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if str(status).startswith(("4", "5")) and "application/json" in content:
                    content[problems.CONTENT_TYPE] = content.pop("application/json")
    return schema


api.get_openapi_schema = get_openapi_schema
