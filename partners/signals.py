"""Signal receivers of the partners app (connected in PartnersConfig.ready)."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from portal.lib.language import LOGIN_LANGUAGE_ATTR


@receiver(user_logged_in, dispatch_uid="partners.apply_preferred_language")
def apply_preferred_language(sender, request, user, **kwargs):
    """Remember the profile's language on the request; portal.middleware sets the cookie.

    A partner user who has not completed the one-time profile has no preference yet
    (the field only holds its default), so the language the browser chose is kept.
    """
    if request is None or getattr(user, "needs_profile", False):
        return
    if user.language in dict(settings.LANGUAGES):
        setattr(request, LOGIN_LANGUAGE_ATTR, user.language)
