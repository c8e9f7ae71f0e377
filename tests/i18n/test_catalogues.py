"""Issue 8: the hu, cs, ja and ko catalogues are complete, not fuzzy, and faithful.

These tests are deliberately not skipped for a language whose translator is still
at work: an incomplete catalogue is a failing acceptance point.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.i18n.pofile import nplurals, parse

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ["hu", "cs", "ja", "ko"]
NPLURALS = {"hu": 2, "cs": 4, "ja": 1, "ko": 1}

# %(name)s / %(count)d, plain %s / %d, and {name} for python-brace-format strings.
NAMED = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
POSITIONAL = re.compile(r"%(?!\()[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
BRACES = re.compile(r"\{(\w*)\}")


def catalogue(lang):
    return parse(LOCALE / lang / "LC_MESSAGES" / "django.po")


def messages(lang):
    return [entry for entry in catalogue(lang) if not entry.is_header]


def placeholders(text, entry):
    found = sorted(NAMED.findall(text)) + sorted(POSITIONAL.findall(text))
    if "python-brace-format" in entry.flags:
        found += sorted(BRACES.findall(text))
    return found


def report(problems):
    return f"{len(problems)} problem(s):\n" + "\n".join(problems[:40])


def test_the_locale_folder_has_the_four_catalogues():
    for lang in LANGUAGES:
        assert (LOCALE / lang / "LC_MESSAGES" / "django.po").is_file(), lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_of_the_catalogue_is_translated(lang):
    untranslated = [e.where for e in messages(lang) if not e.msgstr or not all(e.forms)]
    assert not untranslated, report(untranslated)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_message_of_the_catalogue_is_fuzzy(lang):
    fuzzy = [e.where for e in catalogue(lang) if "fuzzy" in e.flags]
    assert not fuzzy, report(fuzzy)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_catalogue_header_names_its_language_and_plural_rule(lang):
    entries = catalogue(lang)
    assert entries[0].is_header
    assert f"Language: {lang}\n" in entries[0].msgstr[0]
    assert "charset=UTF-8" in entries[0].msgstr[0]
    assert nplurals(entries) == NPLURALS[lang]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_messages_have_every_form_of_the_language(lang):
    count = NPLURALS[lang]
    wrong = [
        f"{e.where} has {len(e.msgstr)} forms"
        for e in messages(lang)
        if e.msgid_plural is not None and sorted(e.msgstr) != list(range(count))
    ]
    assert not wrong, report(wrong)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_every_placeholder(lang):
    problems = []
    for entry in messages(lang):
        if not all(entry.forms):
            continue  # reported by the untranslated test
        if entry.msgid_plural is None:
            expected = placeholders(entry.msgid, entry)
            if placeholders(entry.msgstr[0], entry) != expected:
                problems.append(f"{entry.where} -> {entry.msgstr[0]!r}")
            continue
        allowed = set(placeholders(entry.msgid, entry) + placeholders(entry.msgid_plural, entry))
        plural = placeholders(entry.msgid_plural, entry)
        for form in entry.forms:
            used = placeholders(form, entry)
            # The one-form of a plural may leave out the count ("one file"), nothing else.
            if not set(used) <= allowed or not set(plural) - set(used) <= {"count", "n"}:
                problems.append(f"{entry.where} -> {form!r}")
        if set(placeholders(entry.forms[-1], entry)) != set(plural):
            problems.append(f"{entry.where} (last form) -> {entry.forms[-1]!r}")
    assert not problems, report(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_leading_and_trailing_line_breaks(lang):
    problems = [
        e.where
        for e in messages(lang)
        for form in e.forms
        if form
        and (form.startswith("\n") != e.msgid.startswith("\n"))
        | (form.endswith("\n") != e.msgid.endswith("\n"))
    ]
    assert not problems, report(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_catalogue_compiles_with_format_checks(lang, tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail("gettext's msgfmt is missing: apt-get install gettext")
    result = subprocess.run(
        [
            msgfmt,
            "--check",
            "-o",
            str(tmp_path / "django.mo"),
            str(LOCALE / lang / "LC_MESSAGES" / "django.po"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def marked_strings(tmp_path_factory):
    """The msgids makemessages finds in the sources today, from a scratch copy of the tree."""
    if shutil.which("xgettext") is None:
        pytest.fail("gettext's xgettext is missing: apt-get install gettext")
    base = Path(settings.BASE_DIR)
    copy = tmp_path_factory.mktemp("sources") / "portal"
    ignore = shutil.ignore_patterns(
        ".venv",
        ".git",
        "var",
        "staticfiles",
        "test-artifacts",
        "tests",
        "bench",
        "locale",
        "*.egg-info",
        "__pycache__",
        "*.mo",
        "media",
    )
    shutil.copytree(base, copy, ignore=ignore)
    (copy / "locale").mkdir()
    env = {"PATH": "/usr/bin:/bin", "PORTAL_VAR_DIR": str(copy / "var"), "HOME": str(copy)}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "hu", "--no-location"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    return {(e.msgctxt, e.msgid) for e in parse(copy / "locale/hu/LC_MESSAGES/django.po")}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_catalogue_holds_every_string_marked_for_translation(lang, marked_strings):
    present = {(e.msgctxt, e.msgid) for e in catalogue(lang)}
    missing = sorted(msgid for ctxt, msgid in marked_strings - present)
    assert not missing, (
        "run manage.py makemessages -a (see locale/README.md), then translate:\n"
        + report([repr(m[:70]) for m in missing])
    )
