"""The interface language cookie, shared by the portal's and the partners' middleware."""

from django.conf import settings

# Set on the request at sign-in (partners.signals); portal.middleware turns it into the cookie.
LOGIN_LANGUAGE_ATTR = "portal_login_language"


def set_language_cookie(response, language: str) -> None:
    """Make ``language`` the interface language of this browser (read by LocaleMiddleware)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
