"""``manage.py load_demo``: a realistic catalogue, demo partners and named log-ins.

Idempotent: every row is found by a natural key and only created when missing,
so running it again changes nothing (dates relative to today are set only when
a row is first created; sample incidents carry a fixed submission key). At the
end it prints the demo log-ins and their shared password. The data itself lives
in ``demo.data``, one module per subject.
"""

from __future__ import annotations

import os

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from contracts.models import Product
from demo.data import DEMO_PASSWORD, Seed
from demo.data.catalogue import load_catalogue, load_products
from demo.data.contracts import load_contracts
from demo.data.incidents import load_incidents
from demo.data.logins import describe_logins
from demo.data.people import load_people
from demo.data.purchases import LOGIN as PURCHASE_LOGIN
from demo.data.purchases import load_purchases
from demo.data.translations import apply_demo_translations
from incidents.models import SelfHelpArticle
from partners.models import Competency

__all__ = ["DEMO_PASSWORD", "Command"]


def portal_address() -> str:
    """Where ``bin/serve`` serves the portal: ``PORTAL_ADDR`` (address:port or a port)."""
    addr = os.environ.get("PORTAL_ADDR", "").strip() or "127.0.0.1:8000"
    if ":" not in addr:
        addr = f"127.0.0.1:{addr}"
    return f"http://{addr}"


class Command(BaseCommand):
    help = "Load a realistic catalogue, demo partners, contracts, incidents and named log-ins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--send-mail",
            action="store_true",
            help="Send the sample incidents' confirmation e-mails (not sent by default).",
        )

    def handle(self, *args, **options):
        # One hash for every demo user, with a fixed salt so a second run can compare
        # strings instead of paying a slow password check per user.
        seed = Seed(
            today=timezone.localdate(),
            password_hash=make_password(DEMO_PASSWORD, salt="portaldemo"),
        )
        with transaction.atomic():
            products = load_products()
            load_catalogue(products)
            apply_demo_translations(Competency, Product, SelfHelpArticle)
            people = load_people(seed)
            contracts = load_contracts(seed, people)
            load_purchases(seed)
        if options["send_mail"]:
            load_incidents(products, people, contracts)
        else:
            # The sample incidents are not real: keep their confirmations out of any inbox.
            dummy = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
            with override_settings(MAILERS=dummy):
                load_incidents(products, people, contracts)
        self.print_logins([*describe_logins(people, seed.today), PURCHASE_LOGIN])

    def print_logins(self, rows: list[tuple[str, str]]) -> None:
        out = self.stdout
        out.write(self.style.SUCCESS("Demo data loaded."))
        out.write("")
        out.write(f"Demo log-ins — the password for all of them is: {DEMO_PASSWORD}")
        width = max(len(name) for name, _ in rows)
        for name, description in rows:
            out.write(f"  {name.ljust(width)}  {description}")
        out.write("")
        out.write(
            "Partner users complete the one-time profile at their first log-in. "
            f"Sign in at {portal_address()}/accounts/login/"
        )
