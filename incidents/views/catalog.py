from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views.decorators.http import require_GET

from incidents.models import Topic


@require_GET
@login_required
def topic_children(request, pk):
    """The active children of one catalogue node, for the dependent drop-downs."""
    topic = get_object_or_404(Topic, pk=pk, is_active=True)
    children = topic.children.filter(is_active=True).order_by("sort_order", "name")
    return JsonResponse({"children": [{"id": c.pk, "label": c.label} for c in children]})


urlpatterns = [
    path("topics/<int:pk>/children/", topic_children, name="topic_children"),
]
