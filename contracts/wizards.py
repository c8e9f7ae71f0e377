"""The activation request wizard (SPEC §3, seed 003): choose the benefit, confirm
the contact details, review, submit. Open to the partner's global/partner admins."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _lazy

from partners.models import User
from portal.lib.wizards import PortalWizardView

from .forms import BenefitStepForm, ContactStepForm, ReviewStepForm
from .services import ActivationError, can_request_activation, request_activation


def not_allowed(request, reason: str):
    """403 with the reason and who can help (the partner's admins)."""
    partner = request.user.partner
    admins = []
    if partner is not None:
        admins = list(
            partner.users.filter(
                is_active=True,
                partner_role__in=[User.PartnerRole.GLOBAL_ADMIN, User.PartnerRole.PARTNER_ADMIN],
            ).order_by("last_name", "first_name")
        )
    return render(
        request, "contracts/not_allowed.html", {"reason": reason, "admins": admins}, status=403
    )


@method_decorator(login_required, name="dispatch")
class ActivationWizard(PortalWizardView):
    form_list = [
        ("benefit", BenefitStepForm),
        ("contact", ContactStepForm),
        ("review", ReviewStepForm),
    ]
    step_titles = {
        "benefit": _lazy("Choose the benefit"),
        "contact": _lazy("Confirm your contact details"),
        "review": _lazy("Check your answers"),
    }
    page_title = _lazy("Request activation of support benefits")
    submit_label = _lazy("Send the request")
    review_step = "review"
    intro_template = "contracts/includes/activation_intro.html"
    submission_errors = (ActivationError,)

    def dispatch(self, request, *args, **kwargs):
        # Staff and engineers have no partner: for them this page does not exist.
        if not request.user.partner_id:
            raise Http404
        allowed, reason = can_request_activation(request.user)
        if not allowed:
            return not_allowed(request, reason)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self, step=None):
        if step in ("benefit", "contact"):
            return {"partner": self.request.user.partner}
        return {}

    def get_form_initial(self, step):
        user, partner = self.request.user, self.request.user.partner
        if step == "benefit":
            locations = list(partner.locations.values_list("pk", flat=True)[:2])
            return {"location": locations[0]} if len(locations) == 1 else {}
        if step != "contact":
            return {}
        benefit = self.get_cleaned_data_for_step("benefit") or {}
        location = benefit.get("location") or partner.headquarters
        return {
            "partner_number": partner.partner_number,
            "email": user.email,
            "membership_email": partner.membership_email,
            "contact_name": user.get_full_name(),
            "company": partner.name,
            "phone": str(user.phone) if user.phone else "",
            "city": location.city if location else "",
            "country": location.country.code if location else partner.country.code,
            "alternate_email": user.alternate_email,
        }

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        context["partner"] = self.request.user.partner
        return context

    def failure_step(self, exc, form_dict):
        if isinstance(exc, ActivationError):
            return "benefit"  # e.g. a colleague's request for this benefit is now pending
        return super().failure_step(exc, form_dict)

    def done(self, form_list, form_dict, **kwargs):
        contact = form_dict["contact"].cleaned_data
        activation = request_activation(
            user=self.request.user,
            location=form_dict["benefit"].cleaned_data["location"],
            contact_name=contact["contact_name"],
            company=contact["company"],
            membership_email=contact.get("membership_email") or "",
            alternate_email=contact.get("alternate_email") or "",
            phone=contact.get("phone") or "",
            city=contact.get("city") or "",
            country=contact.get("country") or "",
        )
        return redirect("contracts:activation_sent", pk=activation.pk)
