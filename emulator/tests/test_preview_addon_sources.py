"""Where the preview finds the add-on's dialogs when nobody says."""

from __future__ import annotations

from emulator.preview.addon import DIALOGS, SCRIPTS, AddonConfig


def test_by_default_the_addons_files_are_read_from_this_checkout() -> None:
    sources = AddonConfig("http://127.0.0.1:9", "map-addon-local").sources()

    assert sources.parts[-2:] == ("appsscript", "src")
    assert all((sources / f"{name}.html").is_file() for name in DIALOGS)
    assert all((sources / name).is_file() for name in SCRIPTS)
