"""Seed django-helpdesk with as many tickets as the portal's bench has incidents.

Run in the peer's virtual environment: ``python -m peersite.seed --size N --out info.json``.
Everything goes through helpdesk's own models with ``bulk_create`` in batches (no
signals, no e-mail), streaming tickets so memory stays flat. For *n* tickets:
*n*/10,000 queues (at least 3), *n*/20 users (1% staff), *n* tickets (15% open or
reopened, the rest resolved/closed; priorities 1-5; most assigned to a staff user)
and 3 follow-ups per ticket, except one open ticket with 30 (the detail page
measured, like the portal's incident with 30 messages). Then ``VACUUM ANALYZE``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peersite.settings")
django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from helpdesk.models import FollowUp, Queue, Ticket  # noqa: E402

BATCH = 2000
FOLLOWUPS = 3
DETAIL_FOLLOWUPS = 30
WORDS = (
    "mailbox sync fails after tenant migration outlook license teams meeting "
    "sharepoint quota azure subscription billing vm restart disk latency dns "
    "certificate expired login loop password reset printer driver vpn timeout"
).split()


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def seed_users(n_users: int) -> tuple[User, list[int]]:
    """The persona (created with save(), so helpdesk's signal gives it settings) and the rest."""
    password = make_password("bench-peer")
    eng = User.objects.create_user("bench_eng", "eng@bench.invalid", "bench-peer", is_staff=True)
    staff_every = 100  # 1% staff, like the portal's support engineers
    users = [
        User(
            username=f"peer_user_{i}",
            email=f"user{i}@bench.invalid",
            password=password,
            is_staff=(i % staff_every == 0),
        )
        for i in range(1, n_users)
    ]
    for start in range(0, len(users), BATCH):
        User.objects.bulk_create(users[start : start + BATCH])
    staff = list(User.objects.filter(is_staff=True).values_list("pk", flat=True))
    return eng, staff


def _ticket(rng, number, queues, staff, now) -> Ticket:
    created = now - dt.timedelta(minutes=rng.randint(1, 60 * 24 * 730))
    roll = rng.random()
    status = (
        Ticket.OPEN_STATUS
        if roll < 0.12
        else Ticket.REOPENED_STATUS
        if roll < 0.15
        else Ticket.RESOLVED_STATUS
        if roll < 0.30
        else Ticket.CLOSED_STATUS
    )
    return Ticket(
        title=f"{_text(rng, 5)[:-1]} #{number}",
        queue=rng.choice(queues),
        created=created,
        modified=created + dt.timedelta(hours=rng.randint(0, 200)),
        submitter_email=f"customer{rng.randint(1, 50_000)}@example.invalid",
        assigned_to_id=rng.choice(staff) if rng.random() < 0.8 else None,
        status=status,
        description=_text(rng, 40),
        priority=rng.randint(1, 5),
    )


def _followups(rng, ticket, count, staff) -> list[FollowUp]:
    return [
        FollowUp(
            ticket=ticket,
            date=ticket.created + dt.timedelta(hours=3 * (k + 1)),
            title="Comment",
            comment=_text(rng, 30),
            public=rng.random() < 0.8,
            user_id=rng.choice(staff) if k % 2 else None,
        )
        for k in range(count)
    ]


def seed(size: int, log=print) -> dict:
    started = time.perf_counter()
    rng = random.Random(21)
    now = timezone.now()
    queues = Queue.objects.bulk_create(
        Queue(title=f"Bench queue {q}", slug=f"bench-q{q}", email_address=f"q{q}@bench.invalid")
        for q in range(max(3, size // 10_000))
    )
    eng, staff = seed_users(max(20, size // 20))
    detail_index, detail_id, followups = size // 2, None, 0
    for start in range(0, size, BATCH):
        tickets = [
            _ticket(rng, i, queues, staff, now) for i in range(start, min(size, start + BATCH))
        ]
        if start <= detail_index < start + BATCH:
            tickets[detail_index - start].status = Ticket.OPEN_STATUS
        Ticket.objects.bulk_create(tickets)
        rows = []
        for i, ticket in enumerate(tickets, start):
            many = i == detail_index
            detail_id = ticket.pk if many else detail_id
            rows += _followups(rng, ticket, DETAIL_FOLLOWUPS if many else FOLLOWUPS, staff)
        FollowUp.objects.bulk_create(rows, batch_size=BATCH)
        followups += len(rows)
        if (start // BATCH) % 10 == 9:
            log(f"  peer: {start + len(tickets):,} tickets")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "counts": {
            "queues": len(queues),
            "users": User.objects.count(),
            "staff": len(staff),
            "tickets": Ticket.objects.count(),
            "open tickets": Ticket.objects.filter(status__in=Ticket.OPEN_STATUSES).count(),
            "follow-ups": followups,
        },
        "engineer": eng.username,
        "detail_ticket": detail_id,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    info = seed(args.size, log=lambda m: print(m, flush=True))
    with open(args.out, "w") as fh:
        json.dump(info, fh, indent=1)


if __name__ == "__main__":
    main()
