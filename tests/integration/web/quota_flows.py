"""Sheets' quotas in the emulator, for tests of how the backend meets a 429."""

from __future__ import annotations

from typing import Any

import requests

from tests.integration.web.tokens import access_token


def quotas(emulator_url: str, method: str, **kwargs: Any) -> Any:
    """Call ``/__emulator/quotas`` (PUT limits, GET counts, DELETE to stop)."""
    response = requests.request(method, f"{emulator_url}/__emulator/quotas", timeout=10, **kwargs)
    response.raise_for_status()
    return response.json()


def read_as(emulator_url: str, email: str, spreadsheet_id: str) -> None:
    """One Sheets read by ``email``: spends one of that user's reads this minute."""
    token = access_token(emulator_url, email)
    response = requests.get(
        f"{emulator_url}/v4/spreadsheets/{spreadsheet_id}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    response.raise_for_status()
