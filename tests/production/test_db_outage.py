"""The database goes away under a running portal, then comes back (issue 13).

Its own PostgreSQL and a real gunicorn with 2 workers: while PostgreSQL is stopped, pages
that need the database answer a plain 503 with Retry-After within seconds (not a 30 s
hang); once it is back they answer 200 again within seconds, without a restart.
"""

import time

import pytest

from tests.conftest import is_postgres
from tests.production.servers import PG_BIN, Gunicorn, Postgres, get, manage, portal_env

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL"),
    pytest.mark.skipif(not (PG_BIN / "initdb").exists(), reason=f"no PostgreSQL in {PG_BIN}"),
]

LIMIT_SECONDS = 10
# A session cookie makes even the log-in page look the session up in the database.
PAGES = [("/readyz", {}), ("/accounts/login/", {"Cookie": "sessionid=no-such-session-key"})]


@pytest.fixture
def portal(tmp_path):
    postgres = Postgres()
    server = None
    try:
        postgres.init()
        env = portal_env(
            DATABASE_URL=postgres.url,
            DEBUG="0",
            ALLOWED_HOSTS="127.0.0.1",
            PORTAL_VAR_DIR=str(tmp_path / "var"),
            DB_CONNECT_TIMEOUT="3",
            DB_POOL_TIMEOUT="3",
        )
        manage(env, "migrate", "--noinput")
        server = Gunicorn(env, workers=2)
        server.wait_ready()
        yield postgres, server
    finally:
        if server is not None:
            server.stop()
        postgres.destroy()


def _until(server, path, headers, status, deadline):
    """Seconds from now until ``path`` answers ``status``, and that answer."""
    start = time.monotonic()
    answer = (None, {}, "")
    while time.monotonic() - start < deadline:
        answer = get(server.url + path, headers)
        if answer[0] == status:
            return time.monotonic() - start, answer
        time.sleep(0.1)
    raise AssertionError(
        f"{path}: no {status} within {deadline}s ({answer[0]})\n" + server.output()[-3000:]
    )


def test_a_database_outage_gives_a_quick_503_and_the_portal_recovers_on_its_own(portal):
    postgres, server = portal
    for _ in range(4):  # both workers have a pooled connection before the outage
        for path, headers in PAGES:
            assert get(server.url + path, headers)[0] == 200, path

    postgres.stop()
    down = {}
    for path, headers in PAGES:
        down[path], (status, response_headers, body) = _until(server, path, headers, 503, 30)
    assert response_headers["Retry-After"] == "10"
    assert "Temporarily unavailable" in body

    postgres.start()
    up = {}
    for path, headers in PAGES:
        up[path], _ = _until(server, path, headers, 200, 30)
    for path, _ in PAGES:
        print(
            f"\n{path}: 503 within {down[path]:.1f} s of PostgreSQL stopping, "
            f"200 within {up[path]:.1f} s of its restart",
            end="",
        )
    print()
    assert max(down.values()) < LIMIT_SECONDS, down
    assert sum(up.values()) < LIMIT_SECONDS, up

    # The operator's view: request lines and the outage's traceback on stderr.
    log = server.output()
    assert "GET /accounts/login/ 503 " in log
    assert "Traceback" in log and "OperationalError" in log
