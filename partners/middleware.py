from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from portal.lib.language import set_language_cookie

# Paths a partner user may open before completing the one-time profile.
PROFILE_EXEMPT_PREFIXES = ("/accounts/", "/profile/", "/i18n/", "/static/", "/admin/")
API_PREFIX = "/api/"


class PartnerAccessMiddleware:
    """Enforces, on every request, the state of the signed-in account.

    * A user who was deactivated is signed out at once (``AuthenticationMiddleware``
      already drops inactive users; this also ends their session).
    * A partner user whose partner was deactivated is signed out.
    * A partner user completes the one-time profile before anything else.
    * A browser that has not chosen a language gets the user's preferred one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated or request.path.startswith(API_PREFIX):
            # The API ignores sessions (bearer tokens only): never a redirect there.
            return self.get_response(request)
        partner = user.partner if user.partner_id else None
        if partner is not None and not partner.is_active:
            logout(request)
            return redirect(reverse("login"))
        if user.needs_profile and not request.path.startswith(PROFILE_EXEMPT_PREFIXES):
            return redirect(reverse("partners:profile"))
        adopt_language = (
            user.profile_completed_at is not None
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and user.language in dict(settings.LANGUAGES)
        )
        if adopt_language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        response = self.get_response(request)
        if adopt_language and settings.LANGUAGE_COOKIE_NAME not in response.cookies:
            set_language_cookie(response, user.language)
        return response
