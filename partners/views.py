from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from .models import ScsProduct


@login_required
def home(request):
    partner = request.user.partner
    today = timezone.localdate()
    eligibility = []
    if partner is not None:
        eligibility = [
            (product, partner.eligibility_for(product.value, on=today)) for product in ScsProduct
        ]
    return render(request, "partners/home.html", {"partner": partner, "eligibility": eligibility})


@login_required
def profile(request):
    # Placeholder until the profile wizard lands (issue 2).
    return render(request, "partners/home.html", {"partner": request.user.partner})
