"""The embedded test payment provider: django-payments' dummy provider with test cards.

It runs the whole purchase with no account anywhere. The card number is read from
the form, compared with the test numbers below and forgotten: it is never saved
(a real provider, Stripe, takes the card on its own page).
"""

from __future__ import annotations

import stripe
from django import forms
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from payments import PaymentError, PaymentStatus, RedirectNeeded
from payments.dummy import DummyProvider
from payments.stripe import StripeProviderV3

CARD_SUCCEEDS = "4242424242424242"
CARD_DECLINED = "4000000000000002"
CARD_NEEDS_3DS = "4000000000003220"
TEST_CARDS = (CARD_SUCCEEDS, CARD_DECLINED, CARD_NEEDS_3DS)


class TestCardForm(forms.Form):
    card_number = forms.CharField(
        label=_("Card number"),
        max_length=23,
        help_text=_(
            "Test payments: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined, "
            "4000 0000 0000 3220 asks for a 3-D Secure confirmation."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "cc-number", "inputmode": "numeric"}),
    )

    def clean_card_number(self):
        number = "".join(self.cleaned_data["card_number"].split()).replace("-", "")
        if number not in TEST_CARDS:
            raise forms.ValidationError(_("Use one of the test card numbers shown below."))
        return number


class ChallengeForm(forms.Form):
    """The further step a 3-D Secure card asks for (the bank's confirmation)."""

    decision = forms.ChoiceField(
        label=_("Confirm this payment with your bank"),
        choices=[("approve", _("Approve the payment")), ("decline", _("Decline the payment"))],
        widget=forms.RadioSelect,
    )


class TestCardProvider(DummyProvider):
    def get_form(self, payment, data=None):
        if payment.status == PaymentStatus.WAITING:
            payment.change_status(PaymentStatus.INPUT)
        if _challenged(payment):
            form = ChallengeForm(data=data)
            if form.is_valid():
                if form.cleaned_data["decision"] == "approve":
                    self._confirm(payment)  # raises RedirectNeeded
                payment.change_status(PaymentStatus.REJECTED, "3-D Secure declined")
                raise RedirectNeeded(payment.order.get_absolute_url())
            return form
        form = TestCardForm(data=data)
        if form.is_valid():
            number = form.cleaned_data["card_number"]
            if number == CARD_SUCCEEDS:
                self._confirm(payment)  # raises RedirectNeeded
            if number == CARD_NEEDS_3DS:
                payment.attrs.challenge = True
                payment.save(update_fields=["extra_data"])
                raise RedirectNeeded(payment.get_payment_url())
            payment.change_status(PaymentStatus.REJECTED, "Card declined")
            raise RedirectNeeded(payment.order.get_absolute_url())
        return form

    def _confirm(self, payment):
        payment.captured_amount = payment.total
        payment.save(update_fields=["captured_amount"])
        payment.change_status(PaymentStatus.CONFIRMED)
        raise RedirectNeeded(payment.order.get_absolute_url())

    def process_data(self, payment, request):
        # Unlike the library's dummy, a callback never changes the status: only the
        # signed-in buyer's form does.
        return HttpResponseRedirect(payment.order.get_absolute_url())


def _challenged(payment) -> bool:
    try:
        return bool(payment.attrs.challenge)
    except AttributeError:
        return False


class StripeProvider(StripeProviderV3):
    """django-payments' Stripe Checkout provider; a forged or malformed webhook gets a 400.

    The library verifies the signature but lets Stripe's error through as a 500.
    """

    def return_event_payload(self, request):
        try:
            return super().return_event_payload(request)
        except (ValueError, stripe.SignatureVerificationError) as exc:
            raise PaymentError(code=400, message="Invalid Stripe webhook") from exc
