from django.urls import path

from . import views
from .wizards import ActivationWizard

app_name = "contracts"

urlpatterns = [
    path("benefits/", views.benefits, name="benefits"),
    path("register/", views.register, name="register"),
    path("activation/", ActivationWizard.as_view(), name="activation"),
    path("activation/<int:pk>/sent/", views.activation_sent, name="activation_sent"),
]
