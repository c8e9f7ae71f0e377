"""Deployment checks (issue 2): the documented production configuration is clean,
migrations match the models, and errors show plain pages without internals."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import path

BASE_DIR = Path(__file__).resolve().parent.parent

# The production environment documented in README.md ("Production settings").
PRODUCTION_ENV = {
    "PORTAL_ENV": "production",
    "SECRET_KEY": "k3J9-x1Qz_7vWm2RfT8pLc4YhN6bDs0aUe5gKiO3jXrVwZqMtBnHyGdFsAlPoCuE",
    "ALLOWED_HOSTS": "support.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://support.example.com",
    "EMAIL_HOST": "smtp.example.com",
}


def manage(*args, env=None):
    # A clean environment: nothing from the test run (DJANGO_ALLOW_ASYNC_UNSAFE, DEBUG, ...)
    # may leak into the settings under test.
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH", "VIRTUAL_ENV")
    full_env = {k: os.environ[k] for k in keep if k in os.environ}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_prints_no_warning_under_the_production_settings(tmp_path):
    env = {**PRODUCTION_ENV, "STATIC_ROOT": str(tmp_path / "static")}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNING" not in output


def test_production_cookies_are_secure_including_the_language_cookie(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE,"
        " s.LANGUAGE_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_SAMESITE)"
    )
    env = {**PRODUCTION_ENV, "STATIC_ROOT": str(tmp_path / "static")}
    result = manage("shell", "-c", code, env=env)
    assert result.stdout.split()[-5:] == ["True", "True", "True", "True", "Lax"], result.stderr
    result = manage("shell", "-c", code, env={"PORTAL_ENV": "development"})
    assert result.stdout.split()[-5:-2] == ["False", "False", "False"]  # plain HTTP in dev


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_development_defaults_are_flagged_by_check_deploy():
    # Guards the test above: the check really looks at the settings we change.
    result = manage("check", "--deploy", env={"PORTAL_ENV": "development"})
    assert "security.W004" in result.stdout + result.stderr  # no HSTS outside production


def test_makemigrations_finds_nothing_to_do():
    result = manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_a_database_url_selects_postgresql_with_a_connection_pool():
    code = (
        "from django.conf import settings; d = settings.DATABASES['default'];"
        "print(d['ENGINE'], d['NAME'], d['HOST'], d['PORT'], 'pool' in d['OPTIONS'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DATABASE_URL": "postgres://portal:pw@db.example:5433/portaldb",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "portaldb",
        "db.example",
        "5433",
        "True",
    ], result.stderr


def test_database_timeouts_come_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings;"
        "o = settings.DATABASES['default']['OPTIONS'];"
        "print(o['connect_timeout'], o['pool']['timeout'], o['pool']['reconnect_timeout'])"
    )
    tuning = ("DB_CONNECT_TIMEOUT", "DB_POOL_TIMEOUT", "DB_POOL_RECONNECT_TIMEOUT", "DB_POOL")
    env = {k: v for k, v in os.environ.items() if k not in tuning}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DATABASE_URL="postgres://portal:pw@db.example:5433/portaldb",
    )
    run = [sys.executable, "-c", code]
    default = subprocess.run(run, cwd=BASE_DIR, env=env, capture_output=True, text=True)
    assert default.stdout.split() == ["3", "3.0", "5.0"], default.stderr
    env.update(DB_CONNECT_TIMEOUT="4", DB_POOL_TIMEOUT="2.5", DB_POOL_RECONNECT_TIMEOUT="8")
    tuned = subprocess.run(run, cwd=BASE_DIR, env=env, capture_output=True, text=True)
    assert tuned.stdout.split() == ["4", "2.5", "8.0"], tuned.stderr


def _boom(request):
    raise RuntimeError("secret internal detail 42")


urlpatterns = [path("boom/", _boom)]


@pytest.mark.urls("tests.test_deploy")
def test_a_forced_error_shows_a_generic_500_page(client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "secret internal detail" not in html
    assert "Traceback" not in html


def test_an_unknown_page_shows_the_plain_404_page(client, db, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_refused_page_shows_the_plain_403_page(client, engineer, settings):
    settings.DEBUG = False
    client.force_login(engineer)
    response = client.get("/profile/")  # only partner users have a profile
    assert response.status_code == 403
    assert "Access denied" in response.content.decode()


def test_a_forged_form_shows_the_plain_csrf_page(db, settings):
    from django.test import Client

    settings.DEBUG = False
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x"})
    assert response.status_code == 403
    assert "Your session has expired" in response.content.decode()
