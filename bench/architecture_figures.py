"""Figures of the code's shape, to compare before and after a restructuring.

Run: ``.venv/bin/python bench/architecture_figures.py [--no-trace]``. Prints:

- one sync traced: the calls into our own code whose arguments hold the spreadsheet id
  ("stops"), how many files they are in, how often consecutive stops change layer, and
  how often they climb back to an outer layer (layers, inner to outer: domain,
  templates; sheets, store; services; runtime, web, cli, local). Needs the emulator
  (started here, in memory) and a SQLite file.
- which modules of ``service/sheets/`` are imported from outside that package;
- the longest functions of the shipped code (the emulator included), in lines;
- import cycles among the product's modules (static, top-level and function-level
  imports alike; those for the type checker only left out).
"""

from __future__ import annotations

import argparse
import ast
import itertools
import sys
import tempfile
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {
    "domain": 0,
    "templates": 0,
    "sheets": 1,
    "store": 1,
    "services": 2,
    "runtime": 3,
    "web": 3,
    "cli": 3,
    "local": 3,
}


def product_packages() -> list[Path]:
    """The shipped package roots: ``service`` and, once it stands on its own, ``emulator``."""
    return [r for r in (ROOT / "service", ROOT / "emulator") if r.is_dir()]


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def python_files() -> list[Path]:
    files: list[Path] = []
    for root in product_packages():
        files += [p for p in root.rglob("*.py") if "tests" not in p.relative_to(root).parts]
    return sorted(files)


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    package = (
        module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    )
    # Imports made only for the type checker (``if TYPE_CHECKING:``) never run.
    type_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for inner in ast.walk(node)
    }
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return found


def sheets_faces(files: list[Path]) -> tuple[list[str], int]:
    sheets = {module_name(p) for p in files if module_name(p).startswith("service.sheets.")}
    used: set[str] = set()
    for path in files:
        if module_name(path).startswith("service.sheets"):
            continue
        used |= imports_of(path) & sheets
    return sorted(used), len(sheets)


def longest_functions(files: list[Path], most: int = 10) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for path in files:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                found.append((length, f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"))
    return sorted(found, reverse=True)[:most]


def import_cycles(files: list[Path]) -> list[list[str]]:
    names = {module_name(p): p for p in files}
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in names.items():
        for imported in imports_of(path):
            if imported in names and imported != name:
                graph[name].add(imported)
    # Tarjan's strongly connected components.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for v in list(names):
        if v not in index:
            visit(v)
    return cycles


def layer_of(filename: str) -> str | None:
    path = Path(filename)
    try:
        rel = path.resolve().relative_to(ROOT / "service")
    except ValueError:
        return None
    if "emulator" in rel.parts:
        return None
    head = rel.parts[0]
    return head.removesuffix(".py") if len(rel.parts) > 1 or head == "templates.py" else head


def trace_one_sync() -> list[tuple[str, str, str]]:
    """(layer, file, function) of each call whose arguments hold the spreadsheet id."""
    from service.services.coalesce import sync_coalesced
    from service.services.provision import Contact, MapRequest, provision_map

    stops: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        backend, emulator_state, token, close = _wiring(Path(tmp))
        try:
            today = date.today()
            made = provision_map(
                backend,
                MapRequest(
                    template="enterprise",
                    account="Acme",
                    outcome="Cut ramp time",
                    go_live=today + timedelta(days=120),
                    buyers=(Contact("Dana Lee", "dana@acme.example"),),
                    seller_owner="Sam Seller <sam@vendor.example>",
                    seller_email="sam@vendor.example",
                    org="vendor.example",
                ),
                token,
            )
            sid = made.spreadsheet_id
            sync_coalesced(backend, sid)
            _buyer_edit(emulator_state, sid)

            def profile(frame: FrameType, event: str, arg: Any) -> None:
                if event != "call":
                    return
                layer = layer_of(frame.f_code.co_filename)
                if layer is None:
                    return
                values = frame.f_locals.values()
                if any(v == sid for v in values if isinstance(v, str)):
                    stops.append((layer, frame.f_code.co_filename, frame.f_code.co_name))

            sys.setprofile(profile)
            try:
                sync_coalesced(backend, sid)
            finally:
                sys.setprofile(None)
        finally:
            close()
    return stops


def _wiring(tmp: Path) -> tuple[Any, Any, str, Any]:
    """A backend on a SQLite file and an in-memory emulator, as the tests wire them."""
    import requests

    from emulator.server import EmulatorServer
    from service.services.backend import Backend
    from service.sheets import (
        GoogleMapSheets,
        build_gateway,
        service_account_credentials,
        user_credentials,
    )
    from service.store import Store

    server = EmulatorServer().start()
    account = "map-backend@map-local.iam.gserviceaccount.com"
    key = requests.post(
        f"{server.url}/__emulator/oidc/service-account", json={"email": account}, timeout=10
    ).json()
    token = requests.post(
        f"{server.url}/__emulator/oidc/access-token",
        json={"email": "sam@vendor.example"},
        timeout=10,
    ).json()["access_token"]
    credentials = service_account_credentials(key_info=key)
    store = Store.from_url(f"sqlite:///{tmp / 'store.sqlite3'}")
    store.migrate()
    backend = Backend(
        store=store,
        sheets=lambda: GoogleMapSheets(build_gateway(credentials, api_root=server.url)),
        seller_sheets=lambda t: GoogleMapSheets(
            build_gateway(user_credentials(t), api_root=server.url)
        ),
        service_account_email=account,
    )

    def close() -> None:
        store.close()
        server.stop()

    return backend, server.state, token, close


def _buyer_edit(emulator_state: Any, spreadsheet_id: str) -> None:
    """The buyer marks the first milestone Done, as the Sheets UI would."""
    from emulator.sheets.values_ops import apply_values_update

    apply_values_update(
        emulator_state, spreadsheet_id, "Plan!G13", [["Done"]], "USER_ENTERED", "dana@acme.example"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-trace", action="store_true", help="skip the traced sync")
    args = parser.parse_args()
    files = python_files()
    if not args.no_trace:
        stops = trace_one_sync()
        moves = climbs = 0
        for (a, _, _), (b, _, _) in itertools.pairwise(stops):
            if a != b:
                moves += 1
                if LAYERS.get(b, 0) > LAYERS.get(a, 0):
                    climbs += 1
        print(
            f"one sync: {len(stops)} stops in {len({f for _, f, _ in stops})} files, "
            f"{moves} moves between layers, {climbs} climbs back up"
        )
        for layer, filename, function in stops:
            print(f"    {layer:9} {Path(filename).relative_to(ROOT)} {function}")
    used, total = sheets_faces(files)
    print(f"service/sheets: {len(used)} of {total} modules imported from outside it")
    for name in used:
        print(f"    {name}")
    print("longest functions (lines):")
    for length, where in longest_functions(files):
        print(f"    {length:4} {where}")
    cycles = import_cycles(files)
    print(f"import cycles in the product: {len(cycles)}")
    for cycle in cycles:
        print("    " + " <-> ".join(cycle))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
