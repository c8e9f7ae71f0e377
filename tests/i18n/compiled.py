"""Compile the catalogues for tests that render translated pages.

bin/test (and so .ci/run) compiles them before pytest starts; this makes a plain
``pytest tests/i18n`` right too, after a .po changed. Up-to-date .mo files are kept.
"""

import shutil

import pytest
from django.core.management import call_command
from django.utils.translation import trans_real


def compile_catalogues() -> None:
    if shutil.which("msgfmt") is None:
        pytest.fail("gettext's msgfmt is missing: apt-get install gettext")
    call_command(
        "compilemessages",
        ignore_patterns=[".venv", "var", "staticfiles", "test-artifacts", "*.egg-info"],
        verbosity=0,
    )
    # Catalogues read before compiling stay cached per process: forget them.
    trans_real._translations = {}
    trans_real._default = None
    trans_real.translation_catalog_exists.cache_clear()
