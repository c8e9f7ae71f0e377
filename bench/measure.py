"""Seed one size and measure every page in-process (Django test Client, force_login).

Run by ``bench/harness.py`` once per size, in its own process, with
``DJANGO_SETTINGS_MODULE=bench.settings`` and ``DATABASE_URL`` pointing at a
fresh database for that size. Writes one JSON document.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
import traceback
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.signals import got_request_exception  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Sum  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from bench import htmlforms  # noqa: E402
from bench import seed as seeding  # noqa: E402
from bench.customers import PERSONA_CUSTOMERS  # noqa: E402
from contracts.models import Contract  # noqa: E402
from incidents.models import Incident  # noqa: E402
from partners.models import Customer, User  # noqa: E402

BACKEND = "partners.backends.PartnerModelBackend"

# Choices that matter per wizard (field-name suffix -> value); the rest is read off the form.
WIZARD_FILL = {
    "office365": {"severity": "B", "is_24x7": False},
    "azure": {"severity": "B", "is_24x7": False},
    "business": {"severity": "B", "is_24x7": False},
}
WIZARDS = ["office365", "azure", "business"]
DEEP_PAGE = 500


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    index = max(0, math.ceil(p / 100 * len(ordered)) - 1)
    return ordered[index]


def summarize(samples: list[float]) -> dict:
    ms = [s * 1000 for s in samples]
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "max_ms": round(max(ms), 2),
    }


class HarnessError(Exception):
    """The benchmark itself is broken (not a slow page)."""


def url_or_none(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def client_for(user: User) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user, backend=BACKEND)
    return client


_last_exception: list[str] = []


def _remember_exception(sender, request=None, **kwargs):
    _last_exception[:] = [traceback.format_exc(limit=-3)]


got_request_exception.connect(_remember_exception)


def describe(response) -> str:
    if response.status_code in (301, 302, 303):
        return f"HTTP {response.status_code} to {response.headers.get('Location')}"
    if response.status_code >= 500 and _last_exception:
        last = _last_exception[0].strip().splitlines()[-1]
        return f"HTTP {response.status_code} ({last})"
    return f"HTTP {response.status_code}"


def measure_get(client: Client, url: str, requests: int, warmup: int) -> dict:
    """Warm up, time ``requests`` GETs, then count the queries of one more.

    Each timed request is paired with one of the floor, by the same client just
    before it, so the ratio to the floor holds even when the machine is busy.
    """
    floor = reverse("bench_floor")
    response = client.get(url)
    if response.status_code != 200:
        return {"available": True, "url": url, "error": describe(response)}
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
            return {"available": True, "url": url, "error": describe(response)}
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    # And once more with the cache emptied: what the page reads when nothing is kept
    # (the queue keeps a page's rows a few seconds; the look-up lists are cached). The
    # "same queries for 1 row and for many" rule compares these (bench/harness.py).
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        client.get(url)
    return {
        "available": True,
        "url": url,
        "queries": len(ctx.captured_queries),
        "queries_cold": len(cold.captured_queries),
        "bytes": len(response.content),
        **summarize(samples),
        "floor_p95_ms": summarize(floor_samples)["p95_ms"],
    }


def not_available(why: str) -> dict:
    return {"available": False, "note": why}


# --- the queue ---------------------------------------------------------------
def queue_filter_params(html: str) -> dict | None:
    """Read the queue's filter form: severity A and "first response overdue"."""
    params: dict[str, str] = {}
    for form in htmlforms.parse(html).forms:
        if form.method != "get":
            continue
        for f in form.fields:
            name = f.name.lower()
            if f.tag == "select":
                values = [v for v, _, _ in f.options]
                if "severity" in name and "A" in values:
                    params[f.name] = "A"
                overdue = [v for v in values if "overdue" in (v or "").lower()]
                if overdue:
                    params[f.name] = overdue[0]
            elif f.type in ("checkbox", "radio") and (
                "overdue" in name or "overdue" in f.value.lower()
            ):
                params[f.name] = f.value or "on"
            elif f.type in ("checkbox", "radio") and "severity" in name and f.value == "A":
                params[f.name] = "A"
    has_severity = any("severity" in k.lower() for k in params)
    has_overdue = any("overdue" in (k + v).lower() for k, v in params.items())
    return params if has_severity and has_overdue else None


def _with_params(url: str, params: dict) -> str:
    return f"{urlsplit(url).path}?{urlencode(params)}" if params else url


def find_deep_page(client: Client, base: str, html: str, log) -> tuple[str | None, str]:
    """The queue's page 500: by page number if it has one, else by walking its "next" links."""
    links = htmlforms.parse(html).links
    for link in links:
        query = dict(parse_qsl(urlsplit(link.href).query))
        if "page" in query and query["page"].isdigit():
            query["page"] = str(DEEP_PAGE)
            url = _with_params(base, query)
            response = client.get(url)
            if response.status_code == 200:
                return url, f"page={DEEP_PAGE} (page-number pagination)"
            # Fewer than 500 pages at this size: the last page is the deepest.
            pages = [
                int(q["page"])
                for q in (dict(parse_qsl(urlsplit(lk.href).query)) for lk in links)
                if q.get("page", "").isdigit()
            ]
            query["page"] = "last" if not pages else str(max(pages))
            return _with_params(base, query), f"page={query['page']} (last page; fewer than 500)"
    url, page = base, 1
    while page < DEEP_PAGE:
        nxt = _next_link(htmlforms.parse(html).links)
        if nxt is None:
            break
        url = nxt if nxt.startswith("/") else f"{urlsplit(base).path}{nxt}"
        response = client.get(url)
        if response.status_code != 200:
            raise HarnessError(f"walking the queue: {url} gave {describe(response)}")
        html = response.content.decode()
        page += 1
    if page == 1:
        return None, "no pagination links found on the queue"
    log(f"    walked {page - 1} 'next' links")
    return url, f"page {page} reached by following 'next' (keyset)" + (
        "" if page >= DEEP_PAGE else "; fewer than 500 pages at this size"
    )


def _next_link(links) -> str | None:
    for link in links:
        rel = link.attrs.get("rel", "")
        if "next" in rel.split():
            return link.href
    for link in links:
        text = link.text.strip().lower()
        if text.startswith(("next", "older", "more")) or text in ("›", "»", "→"):
            return link.href
    return None


# --- wizards -----------------------------------------------------------------
def run_wizard(client: Client, name: str, requests: int, warmup: int, personas: dict, log) -> dict:
    url = url_or_none(f"incidents:{name}")
    if url is None:
        return not_available(f"incidents:{name} is not in the URLconf yet")
    overrides = WIZARD_FILL.get(name, {})

    def children(children_url: str):
        data = client.get(children_url).json()
        return [(c["id"], c["label"]) for c in data.get("children", [])]

    samples: dict[str, list[float]] = {}
    queries: dict[str, int] = {}
    order: list[str] = []
    floor_samples: list[float] = []
    incidents_before = Incident.objects.count()
    units_before = _persona_units(personas)
    runs = warmup + requests
    for run in range(runs):
        capture = run == runs - 1
        record = run >= warmup
        started = time.perf_counter()
        client.get(reverse("bench_floor"))
        if record:
            floor_samples.append(time.perf_counter() - started)
        label = "GET first step"
        response, elapsed, nq = _timed(client, "get", url, None, capture)
        if response.status_code != 200:
            return {"available": True, "url": url, "error": f"GET: {describe(response)}"}
        _note(samples, queries, order, label, elapsed, nq, record, capture)
        for _hop in range(20):
            form = htmlforms.wizard_form(response.content.decode())
            step = htmlforms.current_step(form)
            if form is None:
                return {"available": True, "url": url, "error": "no wizard form on the page"}
            data = htmlforms.fill(form, overrides, children)
            response, elapsed, nq = _timed(client, "post", url, data, capture)
            label = f"POST {step}"
            if response.status_code in (301, 302, 303):
                label = f"POST {step} (final submit)"
                _note(samples, queries, order, label, elapsed, nq, record, capture)
                if "submitted" not in response.headers.get("Location", "") and run == 0:
                    log(f"    final redirect to {response.headers.get('Location')}")
                break
            if response.status_code != 200:
                return {"available": True, "url": url, "error": f"{label}: {describe(response)}"}
            html = response.content.decode()
            next_step = htmlforms.current_step(htmlforms.wizard_form(html))
            if next_step == step:
                errors = "; ".join(htmlforms.parse(html).error_texts[:6]) or "no message"
                return {
                    "available": True,
                    "url": url,
                    "error": f"{label} stayed on the step (the harness's answers were "
                    f"refused: {errors}); posted {sorted(data)}",
                }
            _note(samples, queries, order, label, elapsed, nq, record, capture)
        else:
            return {"available": True, "url": url, "error": "more than 20 steps"}
    created = Incident.objects.count() - incidents_before
    consumed = _persona_units(personas) - units_before
    floor_p95 = summarize(floor_samples)["p95_ms"]
    steps = {
        label: {
            "queries": queries.get(label),
            **summarize(samples[label]),
            "floor_p95_ms": floor_p95,
        }
        for label in order
    }
    return {
        "available": True,
        "url": url,
        "steps": steps,
        "runs": runs,
        "incidents_created": created,
        "units_consumed": consumed,
    }


def _persona_units(personas: dict) -> int:
    ids = list(personas["contracts"].values())
    return Contract.objects.filter(pk__in=ids).aggregate(n=Sum("units_used"))["n"] or 0


def _timed(client: Client, method: str, url: str, data, capture: bool):
    if capture:
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = getattr(client, method)(url, data) if data is not None else client.get(url)
            elapsed = time.perf_counter() - started
        return response, elapsed, len(ctx.captured_queries)
    started = time.perf_counter()
    response = getattr(client, method)(url, data) if data is not None else client.get(url)
    return response, time.perf_counter() - started, None


def _note(samples, queries, order, label, elapsed, nq, record, capture):
    if label not in order:
        order.append(label)
        samples[label] = []
    if record:
        samples[label].append(elapsed)
    if capture:
        queries[label] = nq


# --- everything ------------------------------------------------------------
ONLY: str | None = None  # --only SUBSTR: measure just the pages / wizards whose key holds it


def wanted(key: str) -> bool:
    return ONLY is None or ONLY in key


def measure_all(info: dict, requests: int, warmup: int, log) -> dict:
    personas = info["personas"]
    anna = User.objects.get(pk=personas["anna"])
    light = User.objects.get(pk=personas["light"])
    engineer = User.objects.get(pk=personas["engineer"])
    as_anna, as_light, as_engineer = client_for(anna), client_for(light), client_for(engineer)
    pages: dict[str, dict] = {}

    def page(key: str, client: Client, url: str | None, why: str = ""):
        if not wanted(key) and key != "floor":
            return
        started = time.perf_counter()
        if url is None:
            pages[key] = not_available(why or "not in the URLconf yet")
        else:
            pages[key] = measure_get(client, url, requests, warmup)
        log(f"  {key}: {_short(pages[key])} ({time.perf_counter() - started:.1f}s)")

    page("floor", as_anna, reverse("bench_floor"))
    page("partner_home", as_anna, reverse("home"))
    page("partner_home_1_row", as_light, reverse("home"))
    page("my_benefits", as_anna, url_or_none("contracts:benefits"))
    page("manage_list", as_anna, url_or_none("incidents:manage_list"))
    page("manage_list_1_row", as_light, url_or_none("incidents:manage_list"))
    page(
        "incident_detail_30_messages",
        as_anna,
        url_or_none("incidents:manage_detail", info["detail_number"]),
    )
    page(
        "incident_detail_1_message",
        as_light,
        url_or_none("incidents:manage_detail", info["light_number"]),
    )

    page(
        "engineer_detail_30_messages",
        as_engineer,
        url_or_none("incidents:queue_detail", info["detail_number"]),
    )
    page(
        "engineer_detail_1_message",
        as_engineer,
        url_or_none("incidents:queue_detail", info["light_number"]),
    )

    queue = url_or_none("incidents:queue")
    page("queue_first_page", as_engineer, queue)
    if queue and "error" not in pages.get("queue_first_page", {}):
        html = as_engineer.get(queue).content.decode()
        params = queue_filter_params(html)
        if params is None:
            pages["queue_filtered"] = not_available(
                "no severity + first-response-overdue filter found in the queue's GET form"
            )
        elif wanted("queue_filtered"):
            page("queue_filtered", as_engineer, _with_params(queue, params))
            pages["queue_filtered"]["params"] = params
        if wanted("queue_deep_page"):
            deep, how = find_deep_page(as_engineer, queue, html, log)
            page("queue_deep_page", as_engineer, deep, how)
            pages["queue_deep_page"]["how"] = how
        for key, text in search_terms().items():
            page(key, as_engineer, _with_params(queue, {"q": text, "status": ""}))
            if key in pages:
                pages[key]["q"] = text
    else:
        pages["queue_filtered"] = not_available("the queue is not available")
        pages["queue_deep_page"] = not_available("the queue is not available")

    wizards = {}
    for name in WIZARDS:
        if not wanted(name):
            continue
        started = time.perf_counter()
        wizards[name] = run_wizard(as_anna, name, requests, warmup, personas, log)
        log(f"  wizard {name}: {_short(wizards[name])} ({time.perf_counter() - started:.1f}s)")
    if wanted("confirmation") and any(w.get("incidents_created") for w in wizards.values()):
        last = Incident.objects.filter(submitted_by=anna).order_by("-pk").first()
        page("confirmation", as_anna, url_or_none("incidents:confirmation", last.number))

    return {
        "pages": pages,
        "wizards": wizards,
        # For the load generator: a logged-in engineer's session.
        "engineer_session": as_engineer.cookies["sessionid"].value,
    }


def search_terms() -> dict[str, str]:
    """What an engineer would type: a title word, part of a number, a customer's name.

    The word is the longest of a sample incident's title (without its punctuation);
    the customer is the persona partner's (``bench.customers``: the same at every size).
    """
    count = Incident.objects.count()
    sample = Incident.objects.select_related("customer").order_by("pk")[count // 2]
    word = max((w.strip(".,;:!?") for w in sample.title.split()), key=len)
    terms = {"queue_search_word": word, "queue_search_number": sample.number[-6:]}
    customer = (
        Customer.objects.filter(name=PERSONA_CUSTOMERS[0]).first()
        or sample.customer
        or getattr(
            Incident.objects.filter(customer__isnull=False).select_related("customer").first(),
            "customer",
            None,
        )
    )
    if customer is not None:
        terms["queue_search_customer"] = customer.name
    return terms


def _short(result: dict) -> str:
    if not result.get("available"):
        return "not available"
    if "error" in result:
        return "ERROR " + result["error"][:300]
    if "steps" in result:
        final = [s for k, s in result["steps"].items() if "final" in k]
        tail = f", final p95 {final[0]['p95_ms']} ms" if final else ""
        return f"{len(result['steps'])} steps, {result['incidents_created']} created{tail}"
    return f"{result['queries']} queries, p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--out", required=True)
    parser.add_argument(
        "--seed-info",
        metavar="JSON",
        help="development: reuse a database seeded before (its seed info in JSON; written if absent)",
    )
    parser.add_argument("--only", help="development: only pages / wizards whose key holds this")
    args = parser.parse_args(argv)
    global ONLY
    ONLY = args.only

    def log(message: str) -> None:
        print(message, flush=True)

    seed_info = Path(args.seed_info) if args.seed_info else None
    if seed_info is not None and seed_info.exists():
        info = json.loads(seed_info.read_text())
        log(f"[{args.size:,} incidents] reusing the database seeded before ({seed_info})")
    else:
        log(f"[{args.size:,} incidents] seeding")
        info = seeding.seed(args.size, log=log)
        log(f"  seeded in {info['seconds']}s: {info['counts']}")
        if seed_info is not None:
            seed_info.write_text(json.dumps(info, default=str))
    log(f"[{args.size:,} incidents] measuring in-process ({args.requests} requests per page)")
    try:
        result = measure_all(info, args.requests, args.warmup, log)
    except HarnessError as exc:
        log(f"HARNESS ERROR: {exc}")
        return 3
    result.update(size=args.size, seed=info, load_average=[round(x, 1) for x in os.getloadavg()])
    with open(args.out, "w") as fh:
        json.dump(result, fh, indent=1, default=str)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:
        traceback.print_exc()
        sys.exit(3)
