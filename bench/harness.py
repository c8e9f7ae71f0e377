"""Orchestrates the benchmark on a running PostgreSQL (``bench/run`` starts one).

For each size: a fresh database cloned from a migrated template, seeded and
measured in-process by ``bench/measure.py`` (its own process), then the queue
page and the floor under gunicorn (2 workers, 127.0.0.1) driven by ``wrk``.
Writes ``results.md`` and ``results.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg

from bench.peer import report as peer_report
from bench.peer import runner as peer_runner

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
TEMPLATE_DB = "bench_template"

# Targets: issue 10 (queries, deep page), tightened by issue 21 ("Close to the floor").
MAX_QUERIES = 10
QUEUE_VS_FLOOR = 2.5
SEARCH_VS_FLOOR = 4.0
DETAIL_VS_FLOOR = 4.0
DETAIL_MAX_QUERIES = 8
STEP_VS_FLOOR = 4.0
DEEP_VS_FIRST = 1.5
GROWTH = 1.2  # in floor units
THROUGHPUT_SHARE = 0.40
SUBMIT_P95_MS = 100.0
SUBMIT_MAX_QUERIES = 10

PAGE_TITLES = {
    "floor": "Floor (login-required, 2 bytes)",
    "partner_home": "Partner home",
    "partner_home_1_row": "Partner home (user with 1 incident)",
    "my_benefits": "My benefits",
    "manage_list": "Manage support requests (50 rows)",
    "manage_list_1_row": "Manage support requests (1 row)",
    "incident_detail_30_messages": "Incident detail (30 messages)",
    "incident_detail_1_message": "Incident detail (1 message)",
    "engineer_detail_30_messages": "Engineer incident detail (30 messages)",
    "engineer_detail_1_message": "Engineer incident detail (1 message)",
    "queue_first_page": "Engineer queue, first page",
    "queue_filtered": "Queue filtered (overdue, severity A)",
    "queue_deep_page": "Queue deep page (page 500)",
    "queue_search_word": "Queue search: a title word",
    "queue_search_number": "Queue search: part of a number",
    "queue_search_customer": "Queue search: a customer's name",
    "confirmation": "Confirmation page",
}
# Pairs that must issue the same number of queries (1 row vs many), counted with the
# cache emptied (a kept queue page reads fewer than one read afresh).
CONSTANT_PAIRS = [
    ("partner_home_1_row", "partner_home"),
    ("manage_list_1_row", "manage_list"),
    ("incident_detail_1_message", "incident_detail_30_messages"),
    ("engineer_detail_1_message", "engineer_detail_30_messages"),
    ("queue_filtered", "queue_first_page"),
    ("queue_deep_page", "queue_first_page"),
]


def log(message: str) -> None:
    print(message, flush=True)


def db_url(base: str, name: str) -> str:
    return f"{base.rstrip('/')}/{name}"


def admin_sql(base: str, sql: str) -> None:
    with psycopg.connect(db_url(base, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


def env_for(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        PORTAL_VAR_DIR=str(Path(tempfile.gettempdir()) / "bench-var"),
        PYTHONPATH=str(ROOT),
        DEBUG="0",
    )
    return env


def run(cmd: list[str], env: dict) -> None:
    completed = subprocess.run(cmd, cwd=ROOT, env=env)
    if completed.returncode != 0:
        raise SystemExit(f"harness: {' '.join(cmd)} failed with exit code {completed.returncode}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- gunicorn + wrk -----------------------------------------------------------
def load_test(database_url: str, session: str, queue_url: str | None, seconds: int) -> dict:
    wrk = shutil.which("wrk")
    if wrk is None:
        return {"error": "wrk is not installed (apt-get install -y wrk)"}
    port = free_port()
    env = env_for(database_url)
    gunicorn = str(Path(PY).with_name("gunicorn"))
    server = subprocess.Popen(
        [
            gunicorn,
            "portal.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    cookie = f"sessionid={session}"
    try:
        _wait_for(base + "/bench/floor/", cookie)
        targets = {"floor": "/bench/floor/"}
        if queue_url:
            targets["queue_first_page"] = queue_url
        results = {"server": "gunicorn, 2 sync workers, 127.0.0.1", "seconds": seconds}
        for key, path in targets.items():
            status = _status(base + path, cookie)
            if status != 200:
                results[key] = {"error": f"HTTP {status} for {path} under gunicorn"}
                continue
            # A short warm-up so both workers have their connections and templates.
            subprocess.run(
                [wrk, "-t2", "-c4", "-d2s", "-H", f"Cookie: {cookie}", base + path],
                capture_output=True,
                check=False,
            )
            out = subprocess.run(
                [
                    wrk,
                    "-t2",
                    "-c8",
                    f"-d{seconds}s",
                    "--latency",
                    "-H",
                    f"Cookie: {cookie}",
                    base + path,
                ],
                capture_output=True,
                text=True,
                check=False,
            ).stdout
            results[key] = parse_wrk(out)
        return results
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def _status(url: str, cookie: str) -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        return opener.open(request, timeout=30).status
    except urllib.error.HTTPError as exc:
        return exc.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _wait_for(url: str, cookie: str) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if _status(url, cookie):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("harness: gunicorn did not start within 60 s")


def parse_wrk(out: str) -> dict:
    result = {}
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not m:
        return {"error": "could not read wrk's output", "raw": out[-2000:]}
    result["requests_per_s"] = float(m.group(1))
    m = re.search(r"(\d+) requests in", out)
    result["requests"] = int(m.group(1)) if m else None
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    result["non_2xx_3xx"] = int(m.group(1)) if m else 0
    for pct in ("50", "90", "99"):
        m = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)\b", out)
        if m:
            value = float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
            result[f"p{pct}_ms"] = round(value, 2)
    m = re.search(r"Socket errors: (.*)", out)
    if m:
        result["socket_errors"] = m.group(1).strip()
    return result


# --- targets -------------------------------------------------------------------
def evaluate(sizes: list[int], results: dict) -> list[dict]:
    """PASS/FAIL (or "not measured") for every target of issues 10 and 21."""
    targets: list[dict] = []
    big = str(max(sizes))
    r_big = results[big]

    def add(name, ok, detail):
        targets.append({"target": name, "status": _status_word(ok), "detail": detail})

    _target_queries(add, sizes, results)
    _target_queue(add, big, r_big["pages"])
    _target_vs_floor(add, big, r_big["pages"])
    _target_wizards(add, big, r_big["wizards"])
    _target_growth(add, sizes, results)
    _target_throughput(add, big, r_big.get("load", {}))
    return targets


def _floor_of(pages: dict, key: str):
    page = pages.get(key, {})
    return page.get("floor_p95_ms") or pages.get("floor", {}).get("p95_ms")


def _ratio_detail(p95, floor, limit) -> str:
    ratio = p95 / floor
    miss = "" if ratio <= limit else f" (misses by {ratio / limit:.2f}x)"
    return f"{p95} ms / {floor} ms = {ratio:.1f}x{miss}"


def _target_queries(add, sizes, results) -> None:
    """Queries per page constant (1 row vs many, across sizes) and at most 10."""
    over, varying = [], []
    for size in sizes:
        for key, page in results[str(size)]["pages"].items():
            if page.get("queries") is not None and page["queries"] > MAX_QUERIES:
                over.append(f"{key} at {size:,}: {page['queries']}")
        for name, wizard in results[str(size)]["wizards"].items():
            for step, s in wizard.get("steps", {}).items():
                if s.get("queries") is not None and s["queries"] > MAX_QUERIES:
                    over.append(f"{name} {step} at {size:,}: {s['queries']}")
        p = results[str(size)]["pages"]
        for one, many in CONSTANT_PAIRS:
            # With the cache emptied (each page's own reads; a kept queue page reads
            # none of its rows again) when measured, else as served.
            q1, q2 = _cold_queries(p.get(one, {})), _cold_queries(p.get(many, {}))
            if q1 is not None and q2 is not None and q1 != q2:
                varying.append(f"{one}={q1} vs {many}={q2} at {size:,} (cache emptied)")
    for key in results[str(max(sizes))]["pages"]:
        counts = {results[str(s)]["pages"].get(key, {}).get("queries") for s in sizes} - {None}
        if len(counts) > 1:
            varying.append(f"{key}: {sorted(counts)} across sizes")
    add(
        f"Queries per page constant and <= {MAX_QUERIES}",
        not over and not varying if _any_measured(results) else None,
        "; ".join(over + varying) or "all measured pages and wizard steps",
    )


def _cold_queries(page: dict):
    return page.get("queries_cold", page.get("queries"))


def _target_queue(add, big, pages) -> None:
    """Queue first page vs the floor; deep page vs the first page."""
    queue, floor = (
        pages.get("queue_first_page", {}).get("p95_ms"),
        _floor_of(pages, "queue_first_page"),
    )
    name = f"Queue first page p95 <= {QUEUE_VS_FLOOR}x floor p95 ({int(big):,})"
    if floor and queue:
        add(name, queue / floor <= QUEUE_VS_FLOOR, _ratio_detail(queue, floor, QUEUE_VS_FLOOR))
    else:
        add(name, None, _why(pages, "queue_first_page"))
    deep = pages.get("queue_deep_page", {}).get("p95_ms")
    name = f"Queue deep page p95 <= {DEEP_VS_FIRST}x first page ({int(big):,})"
    if deep and queue:
        how = pages["queue_deep_page"].get("how", "")
        add(
            name,
            deep / queue <= DEEP_VS_FIRST,
            f"{deep} ms / {queue} ms = {deep / queue:.2f}x; {how}",
        )
    else:
        add(name, None, _why(pages, "queue_deep_page"))


def _target_vs_floor(add, big, pages) -> None:
    """Search pages and the engineer detail page within a multiple of the floor."""
    for key, limit, max_queries in (
        ("queue_search_word", SEARCH_VS_FLOOR, None),
        ("queue_search_number", SEARCH_VS_FLOOR, None),
        ("queue_search_customer", SEARCH_VS_FLOOR, None),
        ("engineer_detail_30_messages", DETAIL_VS_FLOOR, DETAIL_MAX_QUERIES),
    ):
        page = pages.get(key, {})
        name = f"{PAGE_TITLES[key]}: p95 <= {limit}x floor"
        if max_queries is not None:
            name += f", <= {max_queries} queries"
        floor = _floor_of(pages, key)
        if not (page.get("p95_ms") and floor):
            add(name + f" ({int(big):,})", None, _why(pages, key))
            continue
        ok = page["p95_ms"] / floor <= limit
        detail = _ratio_detail(page["p95_ms"], floor, limit)
        if max_queries is not None:
            ok = ok and page.get("queries") is not None and page["queries"] <= max_queries
            detail += f"; {page.get('queries')} queries"
        add(name + f" ({int(big):,})", ok, detail)


def _target_wizards(add, big, wizards) -> None:
    """Every wizard step within 4x the floor; every final submit <= 10 queries, <= 100 ms."""
    slow, finals, measured = [], [], False
    for name, wizard in wizards.items():
        for step, s in wizard.get("steps", {}).items():
            measured = True
            floor = s.get("floor_p95_ms")
            if floor and s["p95_ms"] / floor > STEP_VS_FLOOR:
                slow.append(f"{name} {step}: {_ratio_detail(s['p95_ms'], floor, STEP_VS_FLOOR)}")
            if "final" in step:
                finals.append((name, s["p95_ms"], s.get("queries")))
    add(
        f"Every wizard step p95 <= {STEP_VS_FLOOR}x floor ({int(big):,})",
        not slow if measured else None,
        "; ".join(slow) or ("every step" if measured else "no wizard completed"),
    )
    ok = all(p <= SUBMIT_P95_MS and q is not None and q <= SUBMIT_MAX_QUERIES for _, p, q in finals)
    add(
        f"Final wizard submit p95 <= {SUBMIT_P95_MS:.0f} ms and <= {SUBMIT_MAX_QUERIES} queries"
        f" ({int(big):,})",
        ok if finals else None,
        "; ".join(f"{n}: {p} ms, {q} queries" for n, p, q in finals) or "no wizard completed",
    )


def _target_growth(add, sizes, results) -> None:
    """Every page's p95 at the largest size within 1.2x of the smallest, in floor units."""
    big, small = str(max(sizes)), str(min(sizes))
    name = f"Every p95 at {int(big):,} <= {GROWTH}x its p95 at {int(small):,} (floor units)"
    if len(sizes) < 2:
        add(name, None, "only one size measured")
        return
    slow, compared = [], 0
    # Judged in units of the floor timed alongside each page (same minutes, same load),
    # so a busier machine between the two sizes does not count as growth.
    for _key, label, p_small, p_big in _all_p95(results[small], results[big]):
        compared += 1
        raw, norm = growth(p_small, p_big)
        if norm > GROWTH:
            slow.append(
                f"{label}: {p_small['p95_ms']} -> {p_big['p95_ms']} ms ({norm:.2f}x in floor "
                f"units; {raw:.2f}x raw)"
            )
    add(
        name,
        not slow if compared else None,
        "; ".join(slow) or f"{compared} pages and steps compared",
    )


def _target_throughput(add, big, load) -> None:
    f_rps = load.get("floor", {}).get("requests_per_s")
    q_rps = load.get("queue_first_page", {}).get("requests_per_s")
    name = f"Queue throughput >= {THROUGHPUT_SHARE:.0%} of the floor's ({int(big):,})"
    if f_rps and q_rps:
        share = q_rps / f_rps
        add(name, share >= THROUGHPUT_SHARE, f"{q_rps:.0f} / {f_rps:.0f} req/s = {share:.0%}")
    else:
        why = load.get("queue_first_page", {}).get("error") or load.get("error") or "not measured"
        add(name, None, why)


def _status_word(ok) -> str:
    return "n/a" if ok is None else "PASS" if ok else "FAIL"


def _any_measured(results) -> bool:
    return any(p.get("queries") is not None for r in results.values() for p in r["pages"].values())


def _why(pages, key) -> str:
    page = pages.get(key, {})
    return page.get("error") or page.get("note") or "not measured"


def _all_p95(r_small: dict, r_big: dict):
    """(key, label, small page, big page) for every page and wizard step measured at both."""
    for key, page in r_big["pages"].items():
        other = r_small["pages"].get(key, {})
        if key != "floor" and page.get("p95_ms") and other.get("p95_ms"):
            yield key, PAGE_TITLES.get(key, key), other, page
    for name, wizard in r_big["wizards"].items():
        for step, s in wizard.get("steps", {}).items():
            other = r_small["wizards"].get(name, {}).get("steps", {}).get(step)
            if other:
                yield f"{name}:{step}", f"{name} wizard, {step}", other, s


def growth(small: dict, big: dict) -> tuple[float, float]:
    """(raw growth of p95, growth of p95 in units of the floor timed alongside it)."""
    raw = big["p95_ms"] / small["p95_ms"]
    if small.get("floor_p95_ms") and big.get("floor_p95_ms"):
        return raw, (big["p95_ms"] / big["floor_p95_ms"]) / (
            small["p95_ms"] / small["floor_p95_ms"]
        )
    return raw, raw


# --- report ----------------------------------------------------------------------
def write_markdown(path: Path, doc: dict) -> str:
    sizes = doc["sizes"]
    results = doc["results"]
    lines = [
        "# Benchmark results",
        "",
        f"Run {doc['finished_at']} on {doc['machine']}; PostgreSQL 15 (fsync off), "
        f"{doc['requests']} timed requests per page after {doc['warmup']} warm-up, "
        "Django test Client in-process with `force_login`"
        + (
            " — **quick mode** (small sizes, few requests; targets informative only)."
            if doc["quick"]
            else "."
        ),
        "Produced by `bench/run` (see bench/README.md); raw figures in `results.json`.",
        "",
    ]
    if doc.get("extra_sql"):
        lines += [
            "**What-if run**: this SQL was applied on top of the migrations:",
            "",
            "```sql",
            doc["extra_sql"].strip(),
            "```",
            "",
        ]
    lines += [
        "## Pages (in-process)",
        "",
    ]
    header = "| Page |" + "".join(
        f" {s:,}: queries | p50 ms | p95 ms | p95 / floor |" for s in sizes
    )
    lines += [header, "|---|" + "---:|---:|---:|---:|" * len(sizes)]
    keys = list(dict.fromkeys(k for s in sizes for k in results[str(s)]["pages"]))
    for key in keys:
        row = f"| {PAGE_TITLES.get(key, key)} |"
        for s in sizes:
            r = results[str(s)]
            row += _cells(r["pages"].get(key, {}), r["pages"].get("floor", {}).get("p95_ms"))
        lines.append(row)
    for name in list(dict.fromkeys(n for s in sizes for n in results[str(s)]["wizards"])):
        steps = list(
            dict.fromkeys(
                st for s in sizes for st in results[str(s)]["wizards"][name].get("steps", {})
            )
        )
        if not steps:
            row = f"| {name} wizard |"
            for s in sizes:
                row += _cells(results[str(s)]["wizards"][name], None)
            lines.append(row)
        for step in steps:
            row = f"| {name} wizard: {step} |"
            for s in sizes:
                r = results[str(s)]
                row += _cells(
                    r["wizards"][name].get("steps", {}).get(step, {"available": True}),
                    r["pages"].get("floor", {}).get("p95_ms"),
                )
            lines.append(row)
    lines += [
        "",
        'Queries: counted on one request after the timed ones; "2 / 3" when the page reads'
        " more with the cache emptied (its kept rows and look-up lists read again).",
    ]
    lines += ["", "Wizard runs: each timed run starts a fresh wizard (GET) and posts every step;"]
    for s in sizes:
        for name, w in results[str(s)]["wizards"].items():
            if "incidents_created" in w:
                lines.append(
                    f"- {s:,}: {name}: {w['runs']} runs created {w['incidents_created']} "
                    f"incidents and consumed {w['units_consumed']} contract units."
                )
    lines += ["", "## Throughput (gunicorn, 2 workers, 127.0.0.1; wrk -t2 -c8)", ""]
    lines += [
        "| Size | Page | req/s | share of floor | p50 ms | p99 ms | non-2xx |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for s in sizes:
        load = results[str(s)].get("load", {})
        floor_rps = load.get("floor", {}).get("requests_per_s")
        for key in ("floor", "queue_first_page"):
            r = load.get(key)
            if r is None:
                continue
            if "error" in r:
                lines.append(f"| {s:,} | {PAGE_TITLES[key]} | {r['error']} | | | | |")
                continue
            share = f"{r['requests_per_s'] / floor_rps:.0%}" if floor_rps else ""
            lines.append(
                f"| {s:,} | {PAGE_TITLES[key]} | {r['requests_per_s']:.0f} | {share} | "
                f"{r.get('p50_ms', '')} | {r.get('p99_ms', '')} | {r.get('non_2xx_3xx', 0)} |"
            )
        if "error" in load:
            lines.append(f"| {s:,} | — | {load['error']} | | | | |")
    lines += peer_report.markdown(sizes, results)
    lines += [
        "",
        "## Targets (issues 10 and 21)",
        "",
        "| Target | Result | Detail |",
        "|---|---|---|",
    ]
    for t in doc["targets"]:
        lines.append(f"| {t['target']} | **{t['status']}** | {t['detail']} |")
    lines += ["", "## Data", ""]
    for s in sizes:
        seed = results[str(s)]["seed"]
        counts = ", ".join(f"{k} {v:,}" for k, v in seed["counts"].items())
        load = results[str(s)].get("load_average")
        lines.append(
            f"- {s:,}: seeded in {seed['seconds']} s — {counts}."
            + (f" Machine load average after measuring: {load}." if load else "")
        )
    notes = [
        f"- {s:,}: {PAGE_TITLES.get(k, k)}: {p.get('error') or p.get('note')}"
        for s in sizes
        for k, p in results[str(s)]["pages"].items()
        if p.get("error") or p.get("note")
    ] + [
        f"- {s:,}: {n} wizard: {w.get('error') or w.get('note')}"
        for s in sizes
        for n, w in results[str(s)]["wizards"].items()
        if w.get("error") or w.get("note")
    ]
    if notes:
        lines += ["", "## Not measured / errors", "", *notes]
    text = "\n".join(lines) + "\n"
    path.write_text(text)
    return text


def _cells(page: dict, floor_p95) -> str:
    # The floor timed alongside the page (same minute, same load) when there is one.
    floor_p95 = page.get("floor_p95_ms") or floor_p95
    if not page.get("available", True):
        return " n/a | | | |"
    if "error" in page:
        return " error | | | |"
    if "p95_ms" not in page:
        return " | | | |"
    ratio = f"{page['p95_ms'] / floor_p95:.1f}x" if floor_p95 else ""
    q, cold = page.get("queries"), page.get("queries_cold")
    if q is not None and cold is not None and cold != q:
        q = f"{q} / {cold}"
    return f" {'' if q is None else q} | {page['p50_ms']} | {page['p95_ms']} | {ratio} |"


# --- the peer (--peer): logic in bench/peer/ ---------------------------------------
def peer_prepare(pg: str):
    """The peer venv's Python with a migrated template, or the error as text."""
    try:
        return peer_runner.prepare(pg)
    except (peer_runner.PeerError, OSError) as exc:
        log(f"peer: not measured: {exc}")
        return f"{peer_runner.NAME} not measured: {exc}"


def peer_side_by_side(args, peer_py, size: int, url: str, seed_info: Path) -> dict:
    """Seed the peer for ``size`` and measure it interleaved with our pages on ``url``."""
    if isinstance(peer_py, str):
        return {"peer": peer_runner.NAME, "error": peer_py}

    def ours_cmd(key: str, out: Path) -> list[str]:
        return [
            PY, "-m", "bench.measure", "--size", str(size), "--requests", str(args.requests),
            "--warmup", str(args.warmup), "--seed-info", str(seed_info), "--only", key,
            "--out", str(out),
        ]  # fmt: skip

    sizing = peer_runner.Sizing(args.pg, peer_py, size, args.requests, args.warmup)
    try:
        info = peer_runner.seed(sizing, seed_info.parent)
        log(f"[{size:,}] side by side with {peer_runner.NAME}, page group by page group")
        return peer_runner.side_by_side(sizing, info, ours_cmd, env_for(url), ROOT)
    except (peer_runner.PeerError, OSError, KeyError, ValueError) as exc:
        log(f"[{size:,}] peer: not measured: {exc}")
        return {"peer": peer_runner.NAME, "error": str(exc)}
    finally:
        peer_runner.drop(sizing)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="bench/run")
    parser.add_argument("--pg", help="postgres://user@host:port (no database)")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument(
        "--quick", action="store_true", help="500 and 2,000 incidents, few requests"
    )
    parser.add_argument(
        "--out", help="directory for results.md/.json (default: bench/; quick: a temp dir)"
    )
    parser.add_argument(
        "--extra-sql",
        metavar="FILE",
        help="SQL run on the migrated template (try an index before writing its migration)",
    )
    parser.add_argument(
        "--peer",
        action="store_true",
        help="also measure django-helpdesk side by side (own venv and database; never in --quick)",
    )
    parser.add_argument(
        "--report-only",
        metavar="RESULTS_JSON",
        help="re-evaluate the targets of a results.json and rewrite results.md beside it",
    )
    args = parser.parse_args(argv)
    if args.report_only:
        source = Path(args.report_only)
        doc = json.loads(source.read_text())
        doc["targets"] = evaluate(doc["sizes"], doc["results"])
        source.write_text(json.dumps(doc, indent=1, default=str) + "\n")
        log(write_markdown(source.with_name("results.md"), doc))
        return 0
    if not args.pg:
        parser.error("--pg is required (bench/run passes it)")
    if args.quick:
        args.sizes, args.requests, args.warmup, args.wrk_seconds = "500,2000", 5, 1, 2
        if args.peer:
            log("--peer is ignored in --quick mode")
        args.peer = False
    sizes = sorted(int(s.replace("_", "").replace(",", "")) for s in args.sizes.split(","))
    out = (
        Path(args.out)
        if args.out
        else (Path(tempfile.mkdtemp(prefix="bench-quick-")) if args.quick else ROOT / "bench")
    )
    out.mkdir(parents=True, exist_ok=True)
    started = time.time()

    log(f"migrating the template database {TEMPLATE_DB}")
    admin_sql(args.pg, f"DROP DATABASE IF EXISTS {TEMPLATE_DB}")
    admin_sql(args.pg, f"CREATE DATABASE {TEMPLATE_DB}")
    run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], env_for(db_url(args.pg, TEMPLATE_DB)))
    if args.extra_sql:
        log(f"applying {args.extra_sql} to the template")
        with psycopg.connect(db_url(args.pg, TEMPLATE_DB), autocommit=True) as conn:
            conn.execute(Path(args.extra_sql).read_text())
    peer_py = peer_prepare(args.pg) if args.peer else None

    results: dict[str, dict] = {}
    harness_ok = True
    for size in sizes:
        name = f"bench_{size}"
        admin_sql(args.pg, f"DROP DATABASE IF EXISTS {name}")
        admin_sql(args.pg, f"CREATE DATABASE {name} TEMPLATE {TEMPLATE_DB}")
        url = db_url(args.pg, name)
        part = out / f".part-{size}.json"
        # With --peer, our seed info is kept so our pages can be re-measured beside the peer's.
        seed_info = (
            Path(tempfile.mkdtemp(prefix="bench-seed-")) / f"seed-{size}.json"
            if args.peer
            else None
        )
        run(
            [
                PY,
                "-m",
                "bench.measure",
                "--size",
                str(size),
                "--requests",
                str(args.requests),
                "--warmup",
                str(args.warmup),
                "--out",
                str(part),
                *(["--seed-info", str(seed_info)] if seed_info else []),
            ],
            env_for(url),
        )
        result = json.loads(part.read_text())
        part.unlink()
        queue = result["pages"].get("queue_first_page", {})
        queue_url = queue.get("url") if queue.get("available") and "error" not in queue else None
        log(f"[{size:,} incidents] load test under gunicorn ({args.wrk_seconds} s each)")
        result["load"] = load_test(url, result.pop("engineer_session"), queue_url, args.wrk_seconds)
        for key in ("floor", "queue_first_page"):
            r = result["load"].get(key, {})
            log(f"  {key}: {r.get('requests_per_s', r.get('error'))} req/s")
            if r.get("error") or r.get("non_2xx_3xx"):
                harness_ok = False
        if seed_info:
            result["peer"] = peer_side_by_side(args, peer_py, size, url, seed_info)
            shutil.rmtree(seed_info.parent, ignore_errors=True)
        results[str(size)] = result
        admin_sql(args.pg, f"DROP DATABASE {name}")

    # Broken pages (5xx, exceptions) and wizards the harness could not complete fail the run.
    broken = [
        f"{s}: {k}: {p['error']}"
        for s, r in results.items()
        for k, p in list(r["pages"].items()) + list(r["wizards"].items())
        if p.get("error")
    ]
    doc = {
        "finished_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.node()} ({os.cpu_count()} CPUs, Python {platform.python_version()})",
        "sizes": sizes,
        "quick": args.quick,
        "requests": args.requests,
        "warmup": args.warmup,
        "wall_seconds": round(time.time() - started),
        "extra_sql": Path(args.extra_sql).read_text() if args.extra_sql else None,
        "results": results,
    }
    doc["targets"] = evaluate(sizes, results)
    (out / "results.json").write_text(json.dumps(doc, indent=1, default=str) + "\n")
    text = write_markdown(out / "results.md", doc)
    log("")
    log(text)
    log(f"wrote {out / 'results.md'} and results.json in {doc['wall_seconds']} s")
    failed = [t for t in doc["targets"] if t["status"] == "FAIL"]
    if broken:
        log("BROKEN (the run fails):\n  " + "\n  ".join(broken))
        return 1
    if not harness_ok:
        log("the load test did not get clean responses")
        return 1
    if failed and not args.quick:
        log(f"{len(failed)} target(s) missed (see the table)")
        return 4
    if failed:
        log(f"quick mode: {len(failed)} target(s) missed — informative only, not a failure")
    return 0


if __name__ == "__main__":
    sys.exit(main())
