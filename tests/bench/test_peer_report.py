"""The "Peer" table of bench/results.md (`bench/run --peer`), from a small results dict."""

import pytest

from bench.harness import main as harness_main
from bench.peer import report


def _page(p95, floor, queries=5, **extra):
    return {"queries": queries, "p50_ms": p95 / 2, "p95_ms": p95, "floor_p95_ms": floor, **extra}


def _results():
    peer = {
        "peer": "django-helpdesk 2.3.3",
        "peer_django": "4.2.30",
        "peer_python": "3.12.1",
        "seed": {"seconds": 12.5, "counts": {"tickets": 10000, "follow-ups": 30027}},
        "ours": {
            "queue_first_page": _page(6.0, 2.0, bytes=52000),
            "queue_deep_page": _page(8.0, 2.0),
            "engineer_detail_30_messages": {"error": "HTTP 500"},
        },
        "theirs": {
            "list_page": _page(80.0, 4.0, queries=10),
            "list_data": _page(120.0, 4.0, queries=77, how="25 rows of 1,504", bytes=12369, n=20),
            "list_deep_page": _page(40.0, 4.0),
            "detail": _page(
                3000.0, 5.0, queries=107, how="30 follow-ups", bytes=10**6, n=5, options=10003
            ),
        },
        "memory": {"ours_peak_rss_mb": 150.2, "theirs_peak_rss_mb": 310.5},
    }
    return {"10000": {"peer": peer}, "100000": {}}


def test_each_side_is_divided_by_its_own_floor_and_ours_by_theirs():
    lines = report.markdown([10000, 100000], _results())
    text = "\n".join(lines)
    assert "## Peer: django-helpdesk 2.3.3" in text
    first = next(line for line in lines if "List data, first page" in line)
    # ours 6 / 2 = 3.0x, theirs 120 / 4 = 30.0x, ours / theirs = 0.10
    assert first == (
        "| 10,000 | List data, first page | 5 | 3.0 | 6.0 | 3.0x "
        "| 77 | 60.0 | 120.0 | 30.0x | 0.10 |"
    )
    deep = next(line for line in lines if "deep page" in line)
    assert deep.endswith("| 4.0x | 5 | 20.0 | 40.0 | 10.0x | 0.40 |")


def test_an_error_or_a_missing_side_leaves_the_comparison_empty():
    lines = report.markdown([10000, 100000], _results())
    detail = next(line for line in lines if "Ticket detail" in line)
    assert "error: HTTP 500" in detail and "600.0x" in detail and detail.endswith("|  |")
    shell = next(line for line in lines if "HTML shell" in line)
    assert "| — | | | |" in shell and "20.0x" in shell
    # A size measured without --peer has no rows.
    assert not any(line.startswith("| 100,000 |") for line in lines)


def test_memory_and_the_peers_data_are_reported():
    text = "\n".join(report.markdown([10000], _results()))
    assert "| 150.2 MB |" in text and "| 310.5 MB |" in text
    assert "theirs seeded in 12.5 s — tickets 10,000, follow-ups 30,027." in text
    assert "10,003 `<option>`s, 5 timed GETs" in text
    assert "- 10,000: ours (HTML pages): queue_first_page 52,000 bytes." in text


def test_a_peer_that_could_not_be_measured_says_why():
    results = _results()
    results["100000"]["peer"] = {"peer": "django-helpdesk 2.3.3", "error": "pip failed"}
    lines = report.markdown([10000, 100000], results)
    assert "Theirs ran on Django 4.2.30, Python 3.12.1 (its own virtual environment)." in lines
    assert lines[lines.index("## Peer: django-helpdesk 2.3.3 (`--peer`)") + 3] == ""
    assert [line for line in lines if line.startswith("| 100,000 |")] == [
        "| 100,000 | not measured: pip failed |" + " |" * 9
    ]


def test_no_peer_no_section():
    assert report.markdown([500, 2000], {"500": {}, "2000": {"peer": None}}) == []


def test_quick_mode_never_runs_the_peer(monkeypatch, tmp_path):
    def boom(*args, **kwargs):
        raise AssertionError("the peer must not run in --quick mode")

    commands = []

    def run(cmd, env):
        commands.append(cmd)
        if "bench.measure" in cmd:  # the first size's measurement: far enough
            raise SystemExit(9)

    monkeypatch.setattr("bench.harness.peer_prepare", boom)
    monkeypatch.setattr("bench.harness.admin_sql", lambda *args: None)
    monkeypatch.setattr("bench.harness.run", run)
    with pytest.raises(SystemExit) as stopped:
        harness_main(["--pg", "postgres://nowhere", "--quick", "--peer", "--out", str(tmp_path)])
    assert stopped.value.code == 9
    assert "migrate" in commands[0] and "--seed-info" not in commands[-1]
