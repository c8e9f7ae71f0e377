"""Demo data split by subject; ``manage.py load_demo`` loads it in this order.

Every row is found by a natural key and only created when missing, so loading
again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

DEMO_PASSWORD = "demo-portal-2024"
# Fixed namespace: the same sample incident gets the same submission key on every run.
DEMO_NAMESPACE = uuid.UUID("6f1c3b0e-3d7a-4e0c-9a51-8d6a1f2b7c44")


@dataclass(frozen=True)
class Seed:
    """What every loader shares: today's date and the one demo password hash."""

    today: dt.date
    password_hash: str
