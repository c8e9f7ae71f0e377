"""The home page, outside the ``partners`` namespace: every template links to ``home``."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
]
