"""The shape of the production code (issue 16): no module over 500 lines, no function
over 60 lines, no ``mark_safe`` on a string built in Python."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXCLUDED_DIRS = {
    "migrations",
    "tests",
    "bench",
    ".venv",
    "node_modules",
    "staticfiles",
    "static",
    "var",
    "test-artifacts",
    "locale",
    "templates",
}
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60
# Modules excluded from the function-length rule (none: keep it that way).
FUNCTION_LENGTH_EXCEPTIONS: set[str] = set()


def production_modules() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if not EXCLUDED_DIRS.intersection(path.relative_to(ROOT).parts)
        and not path.relative_to(ROOT).parts[0].endswith(".egg-info")
    )


MODULES = production_modules()


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_production_modules_are_found():
    names = {_name(p) for p in MODULES}
    assert {"portal/lib/wizards.py", "incidents/services.py", "partners/models.py"} <= names
    assert not any(n.startswith(("tests/", "bench/")) or "/migrations/" in n for n in names)


def test_no_module_is_over_500_lines():
    long = {
        _name(p): n
        for p in MODULES
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long, long


def _functions(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def test_no_function_is_over_60_lines():
    long = {}
    for path in MODULES:
        if _name(path) in FUNCTION_LENGTH_EXCEPTIONS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in _functions(tree):
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                long[f"{_name(path)}:{node.lineno} {node.name}"] = length
    assert not long, long


def _is_literal(node) -> bool:
    """A string written in the source as it is (no f-string, no concatenation, no format)."""
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def test_mark_safe_is_given_only_string_literals():
    built = []
    for path in MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "mark_safe" and not all(_is_literal(arg) for arg in node.args):
                built.append(f"{_name(path)}:{node.lineno}")
    assert not built, built


@pytest.mark.parametrize(
    "source, flagged",
    [
        ("mark_safe('<br>')", False),
        ("mark_safe(f'<b>{x}</b>')", True),
        ("mark_safe('<b>' + x)", True),
        ("safestring.mark_safe(html)", True),
    ],
)
def test_the_mark_safe_rule_tells_literals_from_built_strings(source, flagged):
    call = ast.parse(source).body[0].value
    assert (not all(_is_literal(arg) for arg in call.args)) is flagged
