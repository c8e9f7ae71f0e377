"""Operations (issue 13): health checks, the database-outage 503, the 500 page with broken
static files, request ids and the per-request log line, the language cookie."""

import logging
import re

import pytest
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path

from portal import health
from portal import urls as portal_urls


def _db_down(request):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def _boom(request):
    raise RuntimeError("secret internal detail 42")


# The portal's URLs and error handlers, plus two failing views.
urlpatterns = [path("db-down/", _db_down), path("boom/", _boom), *portal_urls.urlpatterns]
handler500 = portal_urls.handler500


@pytest.fixture
def anonymous():
    client = Client()
    client.raise_request_exception = False
    return client


@pytest.fixture(autouse=True)
def _recheck_migrations():
    health._migrations_checked = False
    yield
    health._migrations_checked = False


# --- Health checks ----------------------------------------------------------


@pytest.mark.parametrize("url", ["/healthz", "/readyz"])
def test_health_checks_are_plain_text_never_cached_and_set_no_cookie(url, anonymous, db):
    response = anonymous.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies  # no session, no CSRF, no language cookie
    assert response.content.decode().strip() in {"ok", "ready"}


def test_healthz_never_touches_the_database_even_with_a_session_cookie(
    anonymous, db, django_assert_num_queries
):
    anonymous.cookies["sessionid"] = "a-session-key-that-would-need-a-lookup"
    with django_assert_num_queries(0):
        response = anonymous.get("/healthz")
    assert response.status_code == 200
    assert not response.cookies


@pytest.mark.parametrize("url", ["/healthz", "/readyz"])
def test_health_checks_answer_a_load_balancer_probing_by_address(url, anonymous, db, settings):
    settings.ALLOWED_HOSTS = ["support.example.com"]
    assert anonymous.get(url, HTTP_HOST="10.0.0.5:8000").status_code == 200
    assert anonymous.get("/accounts/login/", HTTP_HOST="10.0.0.5:8000").status_code == 400


def test_readyz_asks_the_database_and_checks_migrations_once(anonymous, db):
    with CaptureQueriesContext(connection) as first:
        assert anonymous.get("/readyz").status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert anonymous.get("/readyz").status_code == 200
    assert any("django_migrations" in q["sql"] for q in first.captured_queries)
    assert [q["sql"] for q in second.captured_queries] == ["SELECT 1"]


def test_readyz_is_not_ready_while_a_migration_is_unapplied(anonymous, db):
    MigrationRecorder.Migration.objects.filter(app="incidents").order_by("-id").first().delete()
    response = anonymous.get("/readyz")
    assert response.status_code == 503
    assert "unapplied migration" in response.content.decode()
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("url", ["/healthz", "/readyz"])
def test_health_checks_are_exempt_from_the_https_redirect(url, anonymous, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert anonymous.get(url).status_code == 200
    assert anonymous.get("/accounts/login/").status_code == 301  # guard: the redirect is on


# --- Database outage: 503 ---------------------------------------------------


@pytest.mark.urls("tests.production.test_ops")
def test_a_database_error_shows_a_plain_503_with_retry_after(anonymous, settings):
    settings.DEBUG = False
    response = anonymous.get("/db-down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "Temporarily unavailable" in html
    assert "Connection refused" not in html and "Traceback" not in html


@pytest.mark.urls("tests.production.test_ops")
def test_any_other_error_is_still_the_plain_500(anonymous, settings):
    settings.DEBUG = False
    response = anonymous.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


# --- The error pages do not depend on static files --------------------------


@pytest.fixture
def broken_static(settings, tmp_path):
    """Hashed static files whose manifest is missing (collectstatic never ran, or failed)."""
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static-root"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    from django.templatetags.static import static

    with pytest.raises(ValueError):  # guard: {% static %} really fails here
        static("css/portal.css")


@pytest.mark.urls("tests.production.test_ops")
@pytest.mark.parametrize(
    ("url", "status", "text"),
    [
        ("/boom/", 500, "Something went wrong"),
        ("/db-down/", 503, "Temporarily unavailable"),
    ],
)
def test_error_pages_render_when_static_files_are_broken(
    url, status, text, anonymous, broken_static
):
    response = anonymous.get(url)
    assert response.status_code == status
    html = response.content.decode()
    assert text in html
    assert "<link" not in html  # the styles are left out, the page is still there


def test_error_pages_link_their_styles_when_static_files_work(settings):
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert 'href="/static/vendor/bootstrap/bootstrap.min.css"' in html
    assert 'href="/static/css/portal.css"' in html


# --- Request id and the per-request log line --------------------------------

LINE = re.compile(
    r"^(?P<method>[A-Z]+) (?P<path>\S+) (?P<status>\d{3}) (?P<ms>\d+\.\d)ms "
    r"user=(?P<user>\S+) request_id=(?P<rid>\S+)$"
)


def _request_lines(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "portal.request"]


def test_one_log_line_per_request_with_user_id_and_request_id(partner_client, partner_user, caplog):
    caplog.set_level(logging.INFO, logger="portal.request")
    response = partner_client.get("/contracts/benefits/?q=anna@example.com")
    lines = _request_lines(caplog)
    assert len(lines) == 1, lines
    fields = LINE.match(lines[0]).groupdict()
    assert fields["method"] == "GET" and fields["path"] == "/contracts/benefits/"
    assert fields["status"] == str(response.status_code)
    assert fields["user"] == str(partner_user.pk)
    assert fields["rid"] == response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", fields["rid"])
    # No personal data: neither the user name, the e-mail nor the query string.
    for secret in (partner_user.username, partner_user.email, "anna@example.com", "?q="):
        assert secret not in lines[0]


def test_anonymous_requests_log_no_user(anonymous, db, caplog):
    caplog.set_level(logging.INFO, logger="portal.request")
    anonymous.get("/accounts/login/")
    assert LINE.match(_request_lines(caplog)[0])["user"] == "-"


def test_a_sane_incoming_request_id_is_kept(anonymous, db, caplog):
    caplog.set_level(logging.INFO, logger="portal.request")
    response = anonymous.get("/healthz", headers={"X-Request-ID": "lb-7f3a.42_x"})
    assert response["X-Request-ID"] == "lb-7f3a.42_x"
    assert _request_lines(caplog)[0].endswith("request_id=lb-7f3a.42_x")


@pytest.mark.parametrize(
    "incoming", ["", "two words", "<script>alert(1)</script>", "x" * 200, "id\nforged line"]
)
def test_an_odd_incoming_request_id_is_replaced(incoming, anonymous, db, caplog):
    caplog.set_level(logging.INFO, logger="portal.request")
    response = anonymous.get("/healthz", headers={"X-Request-ID": incoming})
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert _request_lines(caplog)[0].endswith(f"request_id={response['X-Request-ID']}")


@pytest.mark.urls("tests.production.test_ops")
def test_errors_are_logged_with_their_traceback(anonymous, settings, caplog):
    settings.DEBUG = False
    caplog.set_level(logging.INFO)
    anonymous.get("/boom/")
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert (
        errors and errors[0].exc_info and "secret internal detail 42" in str(errors[0].exc_info[1])
    )


# --- Language cookie ----------------------------------------------------------


def test_the_language_cookie_is_secure_httponly_and_lax_when_configured(anonymous, db, settings):
    settings.LANGUAGE_COOKIE_SECURE = True
    response = anonymous.post("/i18n/setlang/", {"language": "hu", "next": "/"})
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "hu"
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"


def test_the_favicon_is_served_at_the_site_root(anonymous, db):
    # Browsers ask for /favicon.ico on every site (the admin has no icon link): never a 404.
    response = anonymous.get("/favicon.ico")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"


@pytest.mark.urls("tests.production.test_ops")
def test_if_even_the_500_page_fails_a_plain_text_500_is_returned(anonymous, settings, tmp_path):
    (tmp_path / "500.html").write_text("{% url 'no-such-page' %}")  # the error page itself breaks
    settings.DEBUG = False
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    response = anonymous.get("/boom/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"Server Error (500)"
