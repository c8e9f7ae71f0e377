from django.conf import settings


def portal(request):
    user = getattr(request, "user", None)
    return {
        # Translated once per page here, not at each of the places the chrome shows it.
        "PORTAL_NAME": str(settings.PORTAL_NAME),
        "is_engineer": bool(user and user.is_authenticated and user.is_support_engineer),
    }
