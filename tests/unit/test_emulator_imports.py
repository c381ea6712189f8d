"""The product reaches the emulator in two places only: local mode's wiring
(``service/local/``) and the command that runs it alone
(``service/cli/emulator_command.py``). Everything else talks to Google's APIs, which
the emulator serves over HTTP, and never to the emulator's code."""

from __future__ import annotations

import ast
from pathlib import Path

SERVICE = Path(__file__).resolve().parents[2] / "service"
ALLOWED = (SERVICE / "local", SERVICE / "cli" / "emulator_command.py")


def emulator_imports(path: Path) -> list[str]:
    """The emulator modules ``path`` imports, at the top or inside a function."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return [n for n in names if n == "emulator" or n.startswith("emulator.")]


def allowed(path: Path) -> bool:
    return any(path == place or place in path.parents for place in ALLOWED)


def test_only_local_mode_and_the_emulator_command_import_the_emulator() -> None:
    offenders = sorted(
        f"{path.relative_to(SERVICE.parent)}: {module}"
        for path in SERVICE.rglob("*.py")
        if not allowed(path)
        for module in emulator_imports(path)
    )

    assert offenders == []


def test_local_mode_does_import_it_so_the_check_looks_where_it_should() -> None:
    assert emulator_imports(SERVICE / "local" / "stack.py")
