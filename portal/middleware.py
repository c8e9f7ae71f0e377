"""Per-user interface preferences: language at sign-in and time zone on every page."""

import zoneinfo

from django.utils import timezone

from portal.lib.language import LOGIN_LANGUAGE_ATTR, set_language_cookie


def _zone(name: str):
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return None


class UserPreferencesMiddleware:
    """Applies the signed-in user's profile to the interface.

    * Time zone: dates and times are shown in ``user.time_zone`` on every page.
    * Language: on the response to a sign-in, the language cookie is set to the
      profile's language, so ``LocaleMiddleware`` serves it from the next page on.
      The header's language switcher (``/i18n/setlang/``) overrides the cookie
      afterwards: this browser's language only. The profile's preferred language
      changes only in "Edit profile".

    Sits right after ``AuthenticationMiddleware`` in ``settings.MIDDLEWARE``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        zone = _zone(user.time_zone) if user is not None and user.is_authenticated else None
        if zone is not None:
            timezone.activate(zone)
        try:
            response = self.get_response(request)
        finally:
            if zone is not None:
                timezone.deactivate()
        language = getattr(request, LOGIN_LANGUAGE_ATTR, None)
        if language:
            set_language_cookie(response, language)
        return response
