"""The layers import downwards only (issue 16).

portal (settings, root URLconf, lib) ← partners ← contracts ← incidents ← demo.
``portal/`` may hold cross-app helpers but never reaches up into an app's views,
URLconf or middleware: the root URLconf ``include()``s app URLconfs by dotted
path and settings name app middleware by dotted path. No app imports the demo.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("partners", "contracts", "incidents", "demo")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module ``source`` imports, relative imports resolved, ``from a import b`` as a.b."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def imports_of(package: str) -> dict[str, set[str]]:
    """module name → imported modules, for every .py file of ``package`` (migrations too)."""
    result = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        name = module_name(path)
        result[name] = imported_modules(path.read_text(), name, path.name == "__init__.py")
    return result


def offending(package: str, forbidden) -> list[str]:
    return sorted(
        f"{module} imports {imported}"
        for module, imported_set in imports_of(package).items()
        for imported in imported_set
        if forbidden(imported)
    )


def is_within(name: str, *roots: str) -> bool:
    return any(name == root or name.startswith(f"{root}.") for root in roots)


@pytest.mark.parametrize(
    "package, above",
    [
        ("partners", ("contracts", "incidents", "demo")),
        ("contracts", ("incidents", "demo")),
        ("incidents", ("demo",)),
        ("portal", ("demo",)),
    ],
)
def test_an_app_imports_nothing_from_the_layers_above_it(package, above):
    assert offending(package, lambda name: is_within(name, *above)) == []


def test_portal_imports_no_app_views_urls_or_middleware():
    def reaches_up(name: str) -> bool:
        parts = name.split(".")
        return parts[0] in APPS and any(p in {"views", "urls", "middleware"} for p in parts[1:])

    assert offending("portal", reaches_up) == []


def test_the_checker_sees_absolute_relative_and_nested_imports():
    source = (
        "from partners import views as partner_views\n"
        "from . import middleware\n"
        "from ..lib import mail\n"
        "def later():\n"
        "    import incidents.models\n"
    )

    found = imported_modules(source, "portal.sub.urls")

    assert {"partners.views", "portal.sub.middleware", "portal.lib.mail"} <= found
    assert "incidents.models" in found
