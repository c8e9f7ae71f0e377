"""Drafts survive a switch of app server and a restart (issue 17), with real parts:
two gunicorn servers on one PostgreSQL database and one S3-compatible server
(moto's standalone server). Plain HTTP with CSRF handled, as a browser would."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.db import connection

from incidents.models import Attachment, Incident
from tests.builders import PASSWORD, make_engineer, make_partner, make_user
from tests.conftest import is_postgres
from tests.incidents.test_office365_wizard import (
    PNG,
    STEP,
    description_data,
    o365_catalogue,
    problem_data,
    supporting_data,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL (set DATABASE_URL)"),
]
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BUCKET = "portal-test"
URL = "/incidents/office365/new/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {proc.returncode}")
        try:
            requests.get(url, timeout=10)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def s3(tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        wait_for(endpoint, proc)
        import boto3

        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            region_name="us-east-1",
        )
        client.create_bucket(Bucket=BUCKET)
        yield endpoint, client
    finally:
        stop(proc)


class Servers:
    """Two gunicorn app servers sharing the database, the storage and the secret key."""

    def __init__(self, tmp_path: Path, endpoint: str):
        db = connection.settings_dict
        self.media = tmp_path / "media"
        self.media.mkdir()
        self.env = {
            **os.environ,
            "DATABASE_URL": (
                f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/"
                f"{db['NAME']}"
            ),
            "SECRET_KEY": "two-servers-shared-secret-key-for-this-test-only-0123456789",
            "DEBUG": "0",
            "AXES_ENABLED": "0",
            "MEDIA_ROOT": str(self.media),
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_S3_REGION_NAME": "us-east-1",
        }
        self.tmp_path = tmp_path
        self.ports = {"A": free_port(), "B": free_port()}
        self.procs: dict[str, subprocess.Popen] = {}

    def url(self, name: str, path: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}{path}"

    def start(self) -> None:
        """Start both; a server that does not answer is stopped with the other (by stop())."""
        for name, port in self.ports.items():
            env = {**self.env, "PORTAL_VAR_DIR": str(self.tmp_path / f"var-{name}")}
            self.procs[name] = subprocess.Popen(
                [str(BIN / "gunicorn"), "portal.wsgi:application", "-b", f"127.0.0.1:{port}"]
                + ["-w", "1", "--timeout", "60"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        for name, proc in self.procs.items():
            wait_for(self.url(name, "/accounts/login/"), proc)

    def stop(self) -> None:
        for proc in self.procs.values():
            stop(proc)
        self.procs = {}


@pytest.fixture
def servers(transactional_db, s3, tmp_path, settings):
    # The servers check passwords with the real hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    endpoint, _client = s3
    group = Servers(tmp_path, endpoint)
    try:
        group.start()
        yield group
    finally:
        group.stop()


def csrf_of(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def log_in(servers: Servers, server: str, username: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(servers.url(server, "/accounts/login/"))
    response = browser.post(
        servers.url(server, "/accounts/login/"),
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf_of(page.text)},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    return browser


def post_step(browser, servers, server, data, files=None, html=None) -> requests.Response:
    html = html or browser.get(servers.url(server, URL)).text
    response = browser.post(
        servers.url(server, URL),
        data={**data, "csrfmiddlewaretoken": csrf_of(html)},
        files=files,
        allow_redirects=False,
    )
    assert response.status_code in (200, 302), response.text[:2000]
    return response


def current_step(html: str) -> str:
    return re.search(rf'name="{STEP}"[^>]*value="([^"]+)"', html).group(1)


def bucket_keys(client) -> list[str]:
    return [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_a_wizard_moves_between_app_servers_and_survives_their_restart(servers, s3):
    _endpoint, client = s3
    catalogue = o365_catalogue()
    partner = make_partner("Contoso Cloud", competencies=["Cloud Productivity", "Cloud Platform"])
    make_user(partner, username="anna", technical_contact=True)
    make_engineer("eng")

    # Server A: the first three steps, then a file chosen on the last one and Back.
    anna = log_in(servers, "A", "anna")
    html = anna.get(servers.url("A", URL)).text
    html = post_step(anna, servers, "A", problem_data(catalogue["mail"]), html=html).text
    html = post_step(anna, servers, "A", description_data(), html=html).text
    html = post_step(anna, servers, "A", supporting_data(), html=html).text
    assert current_step(html) == "attach"
    html = post_step(
        anna,
        servers,
        "A",
        {STEP: "attach", "wizard_goto_step": "supporting"},
        files={"attach-attachments": ("screen.png", PNG, "image/png")},
        html=html,
    ).text
    assert current_step(html) == "supporting"
    assert any(k.startswith("drafts/") for k in bucket_keys(client))

    # Server B: the same user continues where they left, and submits.
    html = anna.get(servers.url("B", URL)).text
    assert current_step(html) == "supporting"
    html = post_step(anna, servers, "B", supporting_data(), html=html).text
    assert "screen.png" in html  # the file chosen on server A
    response = post_step(anna, servers, "B", {STEP: "attach"}, html=html)
    assert response.status_code == 302 and "/submitted/" in response.headers["Location"]

    incident = Incident.objects.get()
    attachment = Attachment.objects.get(incident=incident)
    keys = bucket_keys(client)
    assert attachment.file.name in keys
    assert not any(k.startswith("drafts/") for k in keys)  # submitted: temp files gone

    # Server A: the engineer downloads it through the permission-checked view.
    eng = log_in(servers, "A", "eng")
    download = eng.get(servers.url("A", f"/incidents/attachments/{attachment.pk}/"))
    assert download.status_code == 200
    assert download.content == PNG
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"

    # Another draft on A; both servers restart; B resumes it with every answer.
    html = anna.get(servers.url("A", URL)).text
    html = post_step(anna, servers, "A", problem_data(catalogue["sites"]), html=html).text
    post_step(
        anna, servers, "A", description_data(**{"description-title": "Sites slow"}), html=html
    )
    servers.stop()
    servers.start()
    html = anna.get(servers.url("B", URL)).text
    assert current_step(html) == "supporting"
    assert 'data-testid="draft-resumed"' in html
    html = anna.post(
        servers.url("B", URL),
        {
            **supporting_data(),
            "wizard_goto_step": "description",
            "csrfmiddlewaretoken": csrf_of(html),
        },
    ).text
    assert 'value="Sites slow"' in html

    # With object storage configured, nothing was written to the local media folder.
    assert [p for p in servers.media.rglob("*")] == []
