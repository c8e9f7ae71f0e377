from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

# Paths a partner user may open before completing the one-time profile.
PROFILE_EXEMPT_PREFIXES = ("/accounts/", "/profile/", "/i18n/", "/static/", "/admin/")


class PartnerAccessMiddleware:
    """Enforces, on every request, the state of the signed-in account.

    * A user who was deactivated is signed out at once (``AuthenticationMiddleware``
      already drops inactive users; this also ends their session).
    * A partner user whose partner was deactivated is signed out.
    * A partner user completes the one-time profile before anything else.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            partner = user.partner if user.partner_id else None
            if partner is not None and not partner.is_active:
                logout(request)
                return redirect(reverse("login"))
            if user.needs_profile and not request.path.startswith(PROFILE_EXEMPT_PREFIXES):
                return redirect(reverse("partners:profile"))
        return self.get_response(request)
