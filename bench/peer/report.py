"""The "Peer" table of bench/results.md: the portal and django-helpdesk side by side.

Pure formatting of ``results[size]["peer"]`` (written by runner.side_by_side); each
side's p95 is divided by the floor timed alongside it in its own framework, and
"ours / theirs" divides the two ratios (below 1: the portal is closer to its floor).
"""

from __future__ import annotations

# (row title, our page key, their page key)
ROWS = [
    ("List data, first page", "queue_first_page", "list_data"),
    ("List, deep page", "queue_deep_page", "list_deep_page"),
    ("Ticket detail (30 messages / follow-ups)", "engineer_detail_30_messages", "detail"),
    ("List page (HTML shell; theirs loads its rows after)", None, "list_page"),
]


def vs_floor(page: dict | None) -> float | None:
    if not page or not page.get("p95_ms") or not page.get("floor_p95_ms"):
        return None
    return page["p95_ms"] / page["floor_p95_ms"]


def _cells(page: dict | None) -> str:
    if page is None:
        return " — | | | |"
    if "error" in page:
        return f" error: {page['error']} | | | |"
    if "p95_ms" not in page:
        return f" {page.get('note', 'not measured')} | | | |"
    ratio = vs_floor(page)
    return (
        f" {page.get('queries', '')} | {page['p50_ms']} | {page['p95_ms']} | "
        f"{'' if ratio is None else f'{ratio:.1f}x'} |"
    )


def compare(ours: dict | None, theirs: dict | None) -> str:
    a, b = vs_floor(ours), vs_floor(theirs)
    return f"{a / b:.2f}" if a and b else ""


def markdown(sizes: list[int], results: dict) -> list[str]:
    """The section's lines, or none when no size was measured with ``--peer``."""
    measured = [s for s in sizes if results[str(s)].get("peer")]
    if not measured:
        return []
    name = results[str(measured[0])]["peer"]["peer"]
    lines = [
        "",
        f"## Peer: {name} (`--peer`)",
        "",
        "Measured in the same run, page group by page group: our page, then theirs, each "
        "in-process with the test Client and each GET paired with its own framework's floor "
        "(a login-required 2-byte view). p95 / floor is the comparable figure; "
        "ours / theirs divides the two (below 1: the portal is nearer its floor).",
        *_versions(measured, results),
        "",
        "| Size | Page | ours: queries | p50 ms | p95 ms | p95 / floor "
        "| theirs: queries | p50 ms | p95 ms | p95 / floor | ours / theirs |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in measured:
        peer = results[str(s)]["peer"]
        if "error" in peer:
            lines.append(f"| {s:,} | not measured: {peer['error']} |" + " |" * 9)
            continue
        ours, theirs = peer.get("ours", {}), peer.get("theirs", {})
        for title, our_key, their_key in ROWS:
            a = ours.get(our_key) if our_key else None
            b = theirs.get(their_key)
            lines.append(f"| {s:,} | {title} |{_cells(a)}{_cells(b)} {compare(a, b)} |")
        mem = peer.get("memory", {})
        lines.append(
            f"| {s:,} | Worker memory (peak RSS of the measuring process) | "
            f"{mem.get('ours_peak_rss_mb', '')} MB | | | | "
            f"{mem.get('theirs_peak_rss_mb', '')} MB | | | | |"
        )
    lines += ["", *_notes(measured, results)]
    return lines


def _versions(measured: list[int], results: dict) -> list[str]:
    peer = next(
        (results[str(s)]["peer"] for s in measured if "error" not in results[str(s)]["peer"]), None
    )
    if not peer or not peer.get("peer_django"):
        return []
    return [
        "",
        f"Theirs ran on Django {peer['peer_django']}, Python {peer.get('peer_python', '?')} "
        "(its own virtual environment).",
    ]


def _notes(measured: list[int], results: dict) -> list[str]:
    notes = []
    for s in measured:
        peer = results[str(s)]["peer"]
        if "error" in peer:
            continue
        theirs = peer.get("theirs", {})
        seed = peer.get("seed", {})
        counts = ", ".join(f"{k} {v:,}" for k, v in seed.get("counts", {}).items())
        notes.append(f"- {s:,}: theirs seeded in {seed.get('seconds')} s — {counts}.")
        ours = peer.get("ours", {})
        sizes_of_ours = ", ".join(
            f"{key} {ours[key]['bytes']:,} bytes"
            for _, key, _ in ROWS
            if key and "bytes" in ours.get(key, {})
        )
        if sizes_of_ours:
            notes.append(f"- {s:,}: ours (HTML pages): {sizes_of_ours}.")
        for key in ("list_data", "list_deep_page", "detail"):
            page = theirs.get(key, {})
            if "p95_ms" in page:
                notes.append(
                    f"- {s:,}: theirs {key}: {page.get('how', '')}; {page.get('bytes', 0):,} "
                    f"bytes, {page.get('options', 0):,} `<option>`s, {page.get('n')} timed GETs."
                )
    return notes
