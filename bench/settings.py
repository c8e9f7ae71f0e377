"""Settings for the benchmark only: the portal's settings plus a bench-only URLconf.

The floor view lives in ``bench/urls.py`` so it never ships in the product's URLs.
DEBUG is off (as in production) so Django does not keep every query in memory.
"""

from portal.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# The benchmark logs in with force_login / a session cookie; no log-in throttling.
AXES_ENABLED = False
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}
