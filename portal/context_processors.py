from django.conf import settings


def portal(request):
    user = getattr(request, "user", None)
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "is_engineer": bool(user and user.is_authenticated and user.is_support_engineer),
    }
