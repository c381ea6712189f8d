"""The wheel, installed into a fresh virtual environment, runs with its own templates.

The fresh environment borrows this one's third-party packages (a ``.pth`` file naming
this environment's site-packages), so the test needs no network and installs in
seconds; ``service`` and the templates come from the wheel alone. It runs in a
temporary folder, so neither the source tree nor the current folder is on the path.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from datetime import date, timedelta
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
# Not what the wheel is built from: git, environments, caches, local data, build output.
NOT_SOURCE = shutil.ignore_patterns(
    ".*", "node_modules", "build", "dist", "*.egg-info", "__pycache__"
)
LIST_TEMPLATES = """
import json, service, service.templates as t
print(json.dumps({
    "service": service.__file__,
    "folder": str(t.templates_dir()),
    "names": [template.name for template in t.list_templates()],
}))
"""


def run(*command: str | Path, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """(the fresh environment's python, its folder, a clean environment to run it in)."""
    work = tmp_path_factory.mktemp("packaging")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PIP_"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    # A copy, so the build's own build/ and egg-info folders never touch the checkout.
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    pip = [sys.executable, "-m", "pip"]
    dist = work / "dist"
    # No build isolation: setuptools is in the test extra, so nothing is downloaded.
    run(*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", dist, source, cwd=work, env=env)
    (wheel,) = dist.glob("*.whl")

    venv = work / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=work, env=env)
    python = venv / "bin" / "python"
    run(*pip, "--python", python, "install", "--no-deps", "--no-index", wheel, cwd=work, env=env)
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(run(python, "-c", purelib, cwd=work, env=env).strip())
    # Read after the wheel's own site-packages, and .pth files in it are not read, so
    # this environment's editable install of the checkout stays out of sight.
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "borrowed-dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    return python, venv, env


def test_the_installed_wheel_lists_the_templates_it_ships(
    installed: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    python, venv, env = installed
    found = json.loads(run(python, "-c", LIST_TEMPLATES, cwd=tmp_path, env=env))
    assert Path(found["service"]).resolve().is_relative_to(venv.resolve()), found
    assert Path(found["folder"]).resolve().is_relative_to(venv.resolve()), found
    shipped = sorted(path.stem for path in (ROOT / "sheets_templates").glob("*.yaml"))
    assert shipped, "no templates in the checkout"
    assert found["names"] == shipped


def test_the_installed_command_plans_from_a_template(
    installed: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    python, _, env = installed
    today = date.today()
    go_live = today + timedelta(days=180)
    command = ["-m", "service", "plan", "--template", "enterprise"]
    command += ["--go-live", go_live.isoformat(), "--today", today.isoformat()]
    printed = run(python, *command, cwd=tmp_path, env=env)
    assert f"Committed go-live: {go_live}" in printed
