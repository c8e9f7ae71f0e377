"""Support for Business (SPEC §4.3): the wizard and the lists its step 1 narrows instantly."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views.decorators.http import require_GET

from incidents.forms.business import (
    onprem_product_roots,
    suggested_articles,
    version_label,
    versions_of,
)
from incidents.models import Topic
from incidents.wizards.business import BusinessWizard

business_wizard = login_required(BusinessWizard.as_view())


@require_GET
@login_required
def product_versions(request, pk):
    """The versions of one on-premises product (given by its catalogue root)."""
    root = get_object_or_404(onprem_product_roots(), pk=pk)
    versions = versions_of(root.product)
    return JsonResponse({"children": [{"id": v.pk, "label": version_label(v)} for v in versions]})


@require_GET
@login_required
def articles(request):
    """Self-help suggested for the chosen product and category."""
    root = onprem_product_roots().filter(pk=_int(request.GET.get("product"))).first()
    category = None
    if root is not None:
        category = Topic.objects.filter(
            pk=_int(request.GET.get("category")), parent=root, is_active=True
        ).first()
    found = suggested_articles(root.product if root else None, category)
    return JsonResponse(
        {"articles": [{"title": a.label, "url": a.url, "summary": a.summary} for a in found]}
    )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


urlpatterns = [
    path("business/", business_wizard, name="business"),
    path("business/versions/<int:pk>/", product_versions, name="business_versions"),
    path("business/articles/", articles, name="business_articles"),
]
