"""Per-user interface preferences: language at sign-in and time zone on every page."""

import zoneinfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
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
      The language switcher (``/i18n/setlang/``) overrides the cookie afterwards and,
      for a signed-in user, also becomes the profile's preferred language.

    Sits right after ``AuthenticationMiddleware`` in ``settings.MIDDLEWARE``.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._set_language_path = None

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
        elif self._is_language_switch(request, response):
            self._remember_choice(request, response)
        return response

    def _is_language_switch(self, request, response) -> bool:
        if self._set_language_path is None:
            self._set_language_path = reverse("set_language")
        return (
            request.method == "POST"
            and request.path == self._set_language_path
            and settings.LANGUAGE_COOKIE_NAME in response.cookies
        )

    def _remember_choice(self, request, response) -> None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        chosen = response.cookies[settings.LANGUAGE_COOKIE_NAME].value
        if chosen in dict(settings.LANGUAGES) and chosen != user.language:
            get_user_model().objects.filter(pk=user.pk).update(language=chosen)
            user.language = chosen
