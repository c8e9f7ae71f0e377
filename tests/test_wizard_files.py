"""The shared wizard mixin keeps several files of one field across Back and Next."""

from django import forms
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from formtools.wizard.views import SessionWizardView

from portal.lib.uploads import AttachmentsField
from portal.lib.wizards import PortalWizardMixin


class NameForm(forms.Form):
    name = forms.CharField()


class FilesForm(forms.Form):
    files = AttachmentsField()


class DemoWizard(PortalWizardMixin, SessionWizardView):
    form_list = [("name", NameForm), ("files", FilesForm)]

    def done(self, form_list, **kwargs):
        from django.http import HttpResponse

        files = list(form_list)[1].cleaned_data["files"]
        return HttpResponse(",".join(sorted(f.name for f in files)))


def _post(request_factory, session, data, files=None):
    request = request_factory.post("/", data={**data, **(files or {})})
    request.session = session
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    request._dont_enforce_csrf_checks = True
    return DemoWizard.as_view()(request)


def test_two_files_survive_back_and_next_and_reach_done(db, tmp_path, settings):
    rf = RequestFactory()
    request = rf.get("/")
    SessionMiddleware(lambda r: None).process_request(request)
    session = request.session
    prefix = "demo_wizard"
    _post(rf, session, {f"{prefix}-current_step": "name", "name-name": "x"})
    files = [
        SimpleUploadedFile("a.txt", b"first log", content_type="text/plain"),
        SimpleUploadedFile("b.txt", b"second log", content_type="text/plain"),
    ]
    request = rf.post(
        "/",
        data={f"{prefix}-current_step": "files", "wizard_goto_step": "name", "files-files": files},
    )
    request.session = session
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    request._dont_enforce_csrf_checks = True
    DemoWizard.as_view()(request)  # Back, with two files chosen
    _post(rf, session, {f"{prefix}-current_step": "name", "name-name": "x"})  # Next
    response = _post(rf, session, {f"{prefix}-current_step": "files"})  # Submit, no new files
    assert response.content.decode() == "a.txt,b.txt"
