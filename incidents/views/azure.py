"""Submit a Microsoft Azure incident online (SPEC §4.2): the wizard's URL."""

from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.decorators.http import require_http_methods

from incidents.wizards.azure import AzureIncidentWizard

azure_wizard = require_http_methods(["GET", "POST"])(login_required(AzureIncidentWizard.as_view()))

urlpatterns = [
    path("azure/new/", azure_wizard, name="azure"),
]
