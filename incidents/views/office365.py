"""URL of the Office 365 incident wizard (SPEC §4.1)."""

from django.contrib.auth.decorators import login_required
from django.urls import path

from incidents.wizards.office365 import Office365Wizard

urlpatterns = [
    path("office365/new/", login_required(Office365Wizard.as_view()), name="office365"),
]
