"""The one-time profile wizard (SPEC §2 "People", seed 002; issue 2)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from portal.lib.partner_only import PartnerRequiredMixin
from portal.lib.wizards import PortalWizardView

from .forms import ContactForm, NameEmailForm, ReviewForm, default_time_zone
from .middleware import set_language_cookie
from .services import complete_profile


@method_decorator(login_required, name="dispatch")
class ProfileWizard(PartnerRequiredMixin, PortalWizardView):
    # The profile belongs to partner users; engineers and staff manage accounts in admin.
    form_list = [("name", NameEmailForm), ("contact", ContactForm), ("review", ReviewForm)]
    step_titles = {
        "name": _lazy("Your name and e-mail"),
        "contact": _lazy("How we reach you"),
        "review": _lazy("Check your answers"),
    }
    review_step = "review"
    intro_template = "partners/includes/profile_intro.html"

    @property
    def page_title(self):
        if self.request.user.profile_completed_at is None:
            return _("Complete your profile")
        return _("Edit your profile")

    @property
    def submit_label(self):
        return _("Save")

    def get_form_kwargs(self, step=None):
        return {"user": self.request.user}

    def get_form_initial(self, step):
        user = self.request.user
        if step == "name":
            return {"email": user.email, "alternate_email": user.alternate_email}
        if step == "contact":
            return {
                "phone": user.phone or None,
                "time_zone": default_time_zone(user),
                "language": user.language
                if user.profile_completed_at
                else translation.get_language() or settings.LANGUAGE_CODE,
                "contact_method": user.contact_method,
            }
        return {}

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        context["first_time"] = self.request.user.profile_completed_at is None
        return context

    def done(self, form_list, form_dict, **kwargs):
        data = {}
        for step in ("name", "contact"):
            data.update(form_dict[step].cleaned_data)
        first_time = self.request.user.profile_completed_at is None
        user = complete_profile(self.request.user, data)
        translation.activate(user.language)
        self.request.LANGUAGE_CODE = user.language
        messages.success(
            self.request,
            _("Your profile is complete. Welcome!") if first_time else _("Your profile is saved."),
        )
        response = redirect("home")
        set_language_cookie(response, user.language)
        return response
