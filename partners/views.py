from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from .models import ScsProduct
from .wizards import ProfileWizard


@login_required
def home(request):
    """What the signed-in user can do: eligibility and features for partners, the queue for engineers."""
    user = request.user
    partner = user.partner if user.partner_id else None
    eligibility = []
    if partner is not None:
        today = timezone.localdate()
        # Every product answered from one read of the competencies and the rules.
        answers = partner.eligibility_for_products(ScsProduct.values, on=today)
        eligibility = [(product, answers[product.value]) for product in ScsProduct]
    return render(
        request,
        "partners/home.html",
        {
            "partner": partner,
            "eligibility": eligibility,
            "today": timezone.localdate(),
        },
    )


profile = ProfileWizard.as_view()
