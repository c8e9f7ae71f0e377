"""Activate the core benefits of Gold/Silver competency partners within one month of
enrolment, in the countries whose CountryActivationRule says so (SPEC §3, seed 003).

Run it daily (cron). It is idempotent: each contract is claimed by a conditional
UPDATE, so a second run, or two runs at once, activate nothing twice."""

import datetime as dt

from django.core.management.base import BaseCommand

from contracts.services import auto_activate


class Command(BaseCommand):
    help = "Activate Gold/Silver partners' core benefits within one month of enrolment."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=dt.date.fromisoformat,
            default=None,
            help="Run as of this date (YYYY-MM-DD); default today.",
        )

    def handle(self, *args, date=None, **options):
        activated = auto_activate(on=date)
        for contract in activated:
            self.stdout.write(f"Activated {contract} for {contract.partner_id}")
        self.stdout.write(self.style.SUCCESS(f"{len(activated)} contract(s) activated."))
