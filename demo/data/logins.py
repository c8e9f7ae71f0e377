"""What each demo log-in is for, as printed at the end of ``load_demo``."""

from __future__ import annotations

import datetime as dt


def eligibility(user, today: dt.date) -> str:
    partner = user.partner
    answers = []
    for product, label in (("office365", "Office 365"), ("azure", "Azure")):
        ok = partner.eligibility_for(product, on=today).eligible
        answers.append(f"{label} {'eligible' if ok else 'not eligible'}")
    return "; ".join(answers)


def describe_logins(people: dict, today: dt.date) -> list[tuple[str, str]]:
    """(username, description) for every demo log-in, in the order they are printed."""
    hybrid = people["hybrid"].partner
    return [
        (
            "gold",
            f"{people['gold'].partner.name}: Gold Cloud Productivity, technical contact "
            f"({eligibility(people['gold'], today)})",
        ),
        (
            "cloud",
            f"{people['cloud'].partner.name}: Cloud Platform, designated technical contact, "
            "service admin of an Azure subscription, active Signature Cloud Support "
            f"contract (+ an expired one), Product Support and Advisory "
            f"({eligibility(people['cloud'], today)})",
        ),
        (
            "hybrid",
            f"{hybrid.name}: Gold Datacenter, member since "
            f"{hybrid.membership_start.isoformat()}; Azure waits for the "
            f"first renewal on {hybrid.renewal_date.isoformat()}",
        ),
        (
            "actionpack",
            f"{people['actionpack'].partner.name}: Action Pack, global admin, benefits not "
            "activated yet (activation requests go to the Regional Service Center)",
        ),
        (
            "csp",
            f"{people['csp'].partner.name}: CSP indirect reseller with "
            f"{len(people['customers'])} customers, co-admin of one customer subscription",
        ),
        (
            "provider",
            f"{people['provider'].partner.name}: CSP indirect provider of those customers' "
            "subscriptions",
        ),
        ("engineer", "Support engineer (incident queue)"),
        ("staff", "Program staff (Django admin at /admin/)"),
    ]
