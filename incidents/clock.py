"""The first-response clock of an incident, as the pages show it (issue 18)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DUE_SOON = dt.timedelta(hours=1)


@dataclass(frozen=True)
class ResponseClock:
    """The first-response deadline of an incident that still awaits its first response."""

    due_at: dt.datetime
    now: dt.datetime

    @property
    def is_overdue(self) -> bool:
        return self.due_at < self.now

    @property
    def is_due_soon(self) -> bool:
        return not self.is_overdue and self.due_at < self.now + DUE_SOON

    @property
    def state(self) -> str:
        """A CSS class: ``due-overdue``, ``due-soon`` or empty."""
        return "due-overdue" if self.is_overdue else "due-soon" if self.is_due_soon else ""
