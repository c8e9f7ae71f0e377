"""The API token page (partner users) and the interactive API docs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .forms import TokenForm
from .models import ApiToken


def _partner_user(request):
    if not request.user.partner_id:
        raise PermissionDenied(_("Only partner users can use the API."))
    return request.user


@require_http_methods(["GET", "POST"])
@login_required
def tokens(request):
    """List, create and revoke your API tokens; a new token's secret is shown once."""
    user = _partner_user(request)
    form = TokenForm(request.POST or None)
    secret, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            token, secret = ApiToken.issue(user=user, **form.cleaned_data)
            form = TokenForm()
            status = 201
        else:
            status = 400
    response = render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": ApiToken.objects.filter(user=user),
        },
        status=status,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def revoke_token(request, pk):
    user = _partner_user(request)
    token = get_object_or_404(ApiToken.objects.filter(user=user), pk=pk)
    token.revoke()
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("api_tokens")


@require_GET
def docs(request):
    """Swagger UI from static/vendor/swagger-ui, started by static/js/api-docs.js."""
    return render(request, "api/docs.html")
