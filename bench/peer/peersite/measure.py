"""Measure django-helpdesk in-process, the way bench/measure.py measures the portal.

Run in the peer's virtual environment on a database seeded by ``peersite.seed``:
``python -m peersite.measure --seed-info info.json --out result.json [--only KEY,...]``.
As ``bench_eng`` (staff, logged in with ``force_login``): the ticket list page, the
data its table loads (``datatables_ticket_list``, the URL read off the list page,
first page and a deep page) and the detail page of a ticket with 30 follow-ups.
Each timed GET is paired with one of the floor just before it; after the runs the
process's resident memory (the worker's) is recorded.
"""

from __future__ import annotations

import argparse
import html
import json
import math
import os
import platform
import re
import statistics
import sys
import time
from urllib.parse import urlencode

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peersite.settings")
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

KEYS = ("list_page", "list_data", "list_deep_page", "detail")
DEEP_PAGE = 500  # like the portal's queue deep page


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summarize(samples: list[float]) -> dict:
    ms = [s * 1000 for s in samples]
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "max_ms": round(max(ms), 2),
    }


BUDGET_SECONDS = 90.0  # per page: a page of seconds gets fewer timed GETs (at least 5)


def measure_get(client: Client, url: str, requests: int, warmup: int) -> dict:
    """Warm up, time ``requests`` GETs each after a floor GET, count one more's queries.

    A page so slow that ``requests`` GETs would take over ``BUDGET_SECONDS`` gets
    fewer (``n`` in the result, at least 5) and one warm-up.
    """
    floor = reverse("bench_floor")
    started = time.perf_counter()
    response = client.get(url)
    first = time.perf_counter() - started
    if response.status_code != 200:
        return {"url": url, "error": f"HTTP {response.status_code}"}
    if first * (requests + warmup) > BUDGET_SECONDS:
        requests, warmup = max(5, min(requests, int(BUDGET_SECONDS / first))), 1
    for _ in range(warmup):
        client.get(floor)
        client.get(url)
    samples, floor_samples = [], []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(floor)
        floor_samples.append(time.perf_counter() - started)
        started = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        if response.status_code != 200:
            return {"url": url, "error": f"HTTP {response.status_code}"}
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return {
        "url": url,
        "queries": len(ctx.captured_queries),
        "bytes": len(response.content),
        "options": response.content.count(b"<option"),
        **summarize(samples),
        "floor_p95_ms": summarize(floor_samples)["p95_ms"],
    }


def data_url(client: Client, list_html: str) -> str:
    """The JSON endpoint the list page's DataTable calls (its ``ajax.url``)."""
    m = re.search(r'"url":\s*"([^"]*datatables_ticket_list[^"]*)"', list_html)
    if not m:
        raise SystemExit("peer: the ticket list page calls no datatables_ticket_list URL")
    return html.unescape(m.group(1))


def table_params(start: int, length: int) -> str:
    # What DataTables sends for the default order (the endpoint ignores column details).
    return urlencode({"draw": 1, "start": start, "length": length, "search[value]": ""})


def memory() -> dict:
    """Resident and peak resident memory of this process (the worker), in MB."""
    status = open("/proc/self/status").read()
    kb = {k: int(v) for k, v in re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, re.M)}
    return {"rss_mb": round(kb["VmRSS"] / 1024, 1), "peak_rss_mb": round(kb["VmHWM"] / 1024, 1)}


def measure_all(info: dict, wanted, requests: int, warmup: int) -> dict:
    client = Client()
    client.force_login(User.objects.get(username=info["engineer"]))
    list_url = reverse("helpdesk:list")
    pages = {"floor": measure_get(client, reverse("bench_floor"), requests, warmup)}
    list_html = client.get(list_url).content.decode()
    data = data_url(client, list_html)
    length = User.objects.get(username=info["engineer"]).usersettings_helpdesk.tickets_per_page
    first = client.get(f"{data}?{table_params(0, length)}").json()
    rows = first["recordsFiltered"]
    last_page = max(1, math.ceil(rows / length))
    deep = min(DEEP_PAGE, last_page)
    targets = {
        "list_page": (list_url, "the list page itself (its table loads from list data)"),
        "list_data": (f"{data}?{table_params(0, length)}", f"{length} rows of {rows:,}"),
        "list_deep_page": (
            f"{data}?{table_params((deep - 1) * length, length)}",
            f"page {deep} of {last_page} ({length} rows a page, offset pagination)",
        ),
        "detail": (reverse("helpdesk:view", args=[info["detail_ticket"]]), "30 follow-ups"),
    }
    for key, (url, how) in targets.items():
        if wanted(key):
            pages[key] = measure_get(client, url, requests, warmup) | {"how": how}
    return {"pages": pages, **memory()}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed-info", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--only", help="comma-separated keys among " + ", ".join(KEYS))
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else set(KEYS)
    with open(args.seed_info) as fh:
        info = json.load(fh)
    result = measure_all(info, only.__contains__, args.requests, args.warmup)
    result["django"] = django.get_version()
    result["python"] = platform.python_version()
    with open(args.out, "w") as fh:
        json.dump(result, fh, indent=1)
    for key, page in result["pages"].items():
        tail = page.get("error") or f"{page['queries']} queries, p95 {page['p95_ms']} ms"
        print(f"  peer {key}: {tail}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
