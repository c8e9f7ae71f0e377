"""Drive django-helpdesk in its own virtual environment for ``bench/run --peer``.

Runs in the portal's environment; everything helpdesk-side runs as a subprocess of
the peer venv's Python with ``PYTHONPATH=bench/peer`` and ``peersite.settings``.
The venv (``BENCH_PEER_VENV``, default /tmp/bench-peer-venv) is made once with
``pip install -r bench/peer/requirements.txt`` (the configured package index only)
and reused while that file is unchanged.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

HERE = Path(__file__).resolve().parent
REQUIREMENTS = HERE / "requirements.txt"
VENV = Path(os.environ.get("BENCH_PEER_VENV", "/tmp/bench-peer-venv"))
TEMPLATE_DB = "peer_template"
NAME = "django-helpdesk 2.3.3"

# Interleaved groups: (the portal's page key, the peer's page keys), measured one after the other.
GROUPS = [
    ("queue_first_page", ("list_page", "list_data")),
    ("queue_deep_page", ("list_deep_page",)),
    ("engineer_detail_30_messages", ("detail",)),
]


class PeerError(Exception):
    """The peer could not be installed, seeded or measured."""


def log(message: str) -> None:
    print(message, flush=True)


def python() -> Path:
    """The peer venv's interpreter, creating or refreshing the venv when needed."""
    py, stamp = VENV / "bin" / "python", VENV / ".bench-requirements"
    wanted = REQUIREMENTS.read_text()
    if py.exists() and stamp.exists() and stamp.read_text() == wanted:
        return py
    log(f"peer: installing {NAME} into {VENV} (pip, once)")
    base = getattr(sys, "_base_executable", sys.executable)
    _check([base, "-m", "venv", "--clear", str(VENV)], os.environ)
    _check([str(py), "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)], os.environ)
    stamp.write_text(wanted)
    return py


def _env(pg: str, database: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(
        PYTHONPATH=str(HERE),
        DJANGO_SETTINGS_MODULE="peersite.settings",
        PEER_DATABASE_URL=f"{pg.rstrip('/')}/{database}",
    )
    return env


def _check(cmd: list[str], env: dict, cwd: Path = HERE) -> int:
    """Run, raise PeerError on failure; return the child's peak RSS in kB (wait4)."""
    child = subprocess.Popen(cmd, cwd=cwd, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise PeerError(f"{' '.join(cmd[:4])} … failed with exit code {child.returncode}")
    return usage.ru_maxrss


def _admin(pg: str, sql: str) -> None:
    with psycopg.connect(f"{pg.rstrip('/')}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def prepare(pg: str) -> Path:
    """Venv and a migrated template database; returns the peer's Python."""
    py = python()
    _admin(pg, f"DROP DATABASE IF EXISTS {TEMPLATE_DB}")
    _admin(pg, f"CREATE DATABASE {TEMPLATE_DB}")
    log(f"peer: migrating {TEMPLATE_DB}")
    _check([str(py), "-m", "django", "migrate", "--noinput", "-v", "0"], _env(pg, TEMPLATE_DB))
    return py


@dataclass
class Sizing:
    """One size's peer run: the server, the peer's Python, the size, requests per page."""

    pg: str
    py: Path
    size: int
    requests: int
    warmup: int

    @property
    def database(self) -> str:
        return f"peer_{self.size}"


def seed(run: Sizing, workdir: Path) -> Path:
    """A fresh database for ``run.size`` tickets, seeded; returns the seed info's path."""
    _admin(run.pg, f"DROP DATABASE IF EXISTS {run.database}")
    _admin(run.pg, f"CREATE DATABASE {run.database} TEMPLATE {TEMPLATE_DB}")
    info = workdir / f"peer-seed-{run.size}.json"
    log(f"[{run.size:,}] peer: seeding {NAME}")
    cmd = [str(run.py), "-m", "peersite.seed", "--size", str(run.size), "--out", str(info)]
    _check(cmd, _env(run.pg, run.database))
    return info


def measure(run: Sizing, info: Path, keys: tuple[str, ...], workdir: Path) -> dict:
    """Measure the peer's ``keys`` (own process); the result with the process's peak RSS."""
    out = workdir / f"peer-{run.size}-{keys[0]}.json"
    cmd = [
        str(run.py), "-m", "peersite.measure", "--seed-info", str(info), "--out", str(out),
        "--requests", str(run.requests), "--warmup", str(run.warmup), "--only", ",".join(keys),
    ]  # fmt: skip
    peak_kb = _check(cmd, _env(run.pg, run.database))
    result = json.loads(out.read_text())
    result["process_peak_rss_mb"] = round(peak_kb / 1024, 1)
    return result


def drop(run: Sizing) -> None:
    _admin(run.pg, f"DROP DATABASE IF EXISTS {run.database}")


def side_by_side(run: Sizing, peer_info: Path, ours_cmd, ours_env: dict, root: Path) -> dict:
    """Per group, our page then the peer's, in the same minutes; both against their floors.

    ``ours_cmd(key, out)`` builds the command measuring our page ``key`` on the
    database already seeded for this size (bench.measure --seed-info --only), run
    with ``ours_env`` in ``root``.
    """
    ours, theirs, memory, versions = {}, {}, {}, {}
    ours_rss, peer_rss, started = [], [], time.time()
    with tempfile.TemporaryDirectory(prefix="bench-peer-") as tmp:
        for our_key, peer_keys in GROUPS:
            out = Path(tmp) / f"ours-{our_key}.json"
            ours_rss.append(_check(ours_cmd(our_key, out), ours_env, root))
            ours[our_key] = json.loads(out.read_text())["pages"].get(our_key, {})
            result = measure(run, peer_info, peer_keys, Path(tmp))
            theirs.update({k: v for k, v in result["pages"].items() if k != "floor"})
            peer_rss.append(result["process_peak_rss_mb"])
            memory[peer_keys[-1]] = {k: result[k] for k in ("rss_mb", "peak_rss_mb")}
            versions = {k: result.get(k) for k in ("django", "python")}
    seed_info = json.loads(Path(peer_info).read_text())
    return {
        "peer": NAME,
        "peer_django": versions.get("django"),
        "peer_python": versions.get("python"),
        "seconds": round(time.time() - started),
        "seed": {k: seed_info[k] for k in ("seconds", "counts")},
        "ours": ours,
        "theirs": theirs,
        "memory": {
            "ours_peak_rss_mb": round(max(ours_rss) / 1024, 1),
            "theirs_peak_rss_mb": max(peer_rss),
            "theirs_after_runs": memory,
        },
    }
