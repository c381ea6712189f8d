"""The emulator stands on its own: nothing in the package (its tests included) imports
the product it stands in for Google for."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]


def imported_modules(tree: ast.AST) -> set[str]:
    """Every module an ``import``/``from ... import`` names, at any depth, and every
    module named to ``importlib.import_module`` or ``__import__`` as a constant."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Call) and node.args:
            name = node.func.attr if isinstance(node.func, ast.Attribute) else None
            name = node.func.id if isinstance(node.func, ast.Name) else name
            first = node.args[0]
            if name in ("import_module", "__import__") and isinstance(first, ast.Constant):
                found.add(str(first.value))
    return found


def test_no_module_of_the_emulator_imports_the_service() -> None:
    offenders = sorted(
        f"{path.relative_to(PACKAGE.parent)}: {module}"
        for path in PACKAGE.rglob("*.py")
        for module in imported_modules(ast.parse(path.read_text(encoding="utf-8")))
        if module == "service" or module.startswith("service.")
    )

    assert offenders == []


def test_the_check_sees_every_form_of_import() -> None:
    source = (
        "import service\n"
        "def f():\n"
        "    from service.web import app\n"
        "    importlib.import_module('service.cli')\n"
    )

    assert imported_modules(ast.parse(source)) >= {"service", "service.web", "service.cli"}
