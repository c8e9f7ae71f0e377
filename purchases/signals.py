"""Payment status changes (from the form, a redirect or the provider's webhook) drive the order."""

from django.dispatch import receiver
from payments import PaymentStatus
from payments.signals import status_changed

from .services import fulfil, payment_failed

FAILED = {PaymentStatus.REJECTED, PaymentStatus.ERROR}


@receiver(status_changed, dispatch_uid="purchases.payment_status")
def payment_status_changed(sender, instance, **kwargs):
    if not hasattr(instance, "order_id"):
        return
    if instance.status == PaymentStatus.CONFIRMED:
        fulfil(instance.order)
    elif instance.status in FAILED:
        payment_failed(instance.order)
