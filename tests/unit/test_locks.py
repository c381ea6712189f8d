"""The locks (``scripts/lock.sh``) agree with pyproject.toml.

A dependency added to or raised in pyproject.toml without running the script fails
here, rather than as a missing module after a deploy that installed the old lock.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
RUNTIME = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
TEST = [Requirement(r) for r in PYPROJECT["project"]["optional-dependencies"]["test"]]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")
REGENERATE = "run scripts/lock.sh"


def entries(lock: str) -> list[str]:
    """The lock's requirements, one string each (continuation lines joined)."""
    text = (ROOT / lock).read_text(encoding="utf-8").replace("\\\n", " ")
    lines = (line.split(" #", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def pins(lock: str) -> dict[str, set[Version]]:
    """Name: its pinned versions (several where they differ by Python version)."""
    found: dict[str, set[Version]] = {}
    for entry in entries(lock):
        match = PIN.match(entry)
        assert match, f"{lock}: not an exact pin: {entry[:80]!r}; {REGENERATE}"
        found.setdefault(canonicalize_name(match[1]), set()).add(Version(match[2]))
    return found


@pytest.mark.parametrize(
    ("lock", "wanted"),
    [("requirements.txt", RUNTIME), ("requirements-test.txt", RUNTIME + TEST)],
)
def test_every_dependency_is_pinned_within_its_range(lock: str, wanted: list[Requirement]) -> None:
    pinned = pins(lock)
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{lock} has no pin for {requirement.name}; {REGENERATE}"
        for version in pinned[name]:
            assert requirement.specifier.contains(version, prereleases=True), (
                f"{lock} pins {name}=={version}, outside {requirement}; {REGENERATE}"
            )


@pytest.mark.parametrize("lock", ["requirements.txt", "requirements-test.txt"])
def test_every_pin_has_hashes_and_nothing_is_installed_from_source(lock: str) -> None:
    for entry in entries(lock):
        assert not entry.startswith(("-e", "--editable", ".", "/")), f"{lock}: {entry!r}"
        assert "--hash=sha256:" in entry, f"{lock}: no hash for {entry.split()[0]}"


def test_tests_run_the_versions_the_deploy_installs() -> None:
    runtime, test = pins("requirements.txt"), pins("requirements-test.txt")
    differ = {name: (v, test.get(name)) for name, v in runtime.items() if test.get(name) != v}
    assert not differ, f"requirements-test.txt differs from requirements.txt: {differ}"
