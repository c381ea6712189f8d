"""The demo MAP of ``serve --demo``: a sample MAP from the enterprise template with
some history, so the preview shows health and risks at once. Seeded once per data
directory (``DATA/demo.json`` remembers it), through the product's own paths: Create MAP
as the add-on calls it, live updates on, then edits in the preview as the people would
make them, each synced before the next (as a day's edits would be):

- the seller marks the business case and the technical deep-dive done;
- the buyer starts the security review and names a new person for it;
- the buyer marks the DPA blocked, with a note;
- the buyer moves the signature date twice, without saying why.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import requests

from emulator.oidc import hosted_domain, id_token_claims, mint_id_token
from emulator.state import EmulatorState
from emulator.users import mint_access_token
from service.local.settings import LOCAL_CLIENT_ID

log = logging.getLogger(__name__)

MARK_FILE = "demo.json"
PLAN_TAB = "Plan"
SELLER = "sam@vendor.example"
BUYER = "dana@acme.example"
TIMEOUT_S = 60.0


class DemoFailed(Exception):
    """The demo MAP could not be seeded."""


@dataclass(frozen=True)
class DemoMap:
    spreadsheet_id: str
    url: str


def seeded(data_dir: Path) -> DemoMap | None:
    """The demo MAP seeded earlier in this data directory, if any."""
    mark = data_dir / MARK_FILE
    if not mark.exists():
        return None
    data = json.loads(mark.read_text(encoding="utf-8"))
    return DemoMap(str(data["spreadsheet_id"]), str(data.get("url", "")))


def sheet_date(day: date) -> str:
    """A date as a person types it into the MAP (its own format, Jan 5, 2027)."""
    return f"{day:%b} {day.day}, {day.year}"


def _business_days_after(day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


class _Seeder:
    def __init__(
        self,
        state: EmulatorState,
        session: requests.Session,
        *,
        backend_url: str,
        emulator_url: str,
    ) -> None:
        self.state = state
        self.session = session
        self.backend_url = backend_url.rstrip("/")
        self.emulator_url = emulator_url.rstrip("/")
        self.spreadsheet_id = ""
        self.rows: dict[str, int] = {}  # milestone id -> row index
        self.columns: dict[str, int] = {}  # column header -> column index
        self.plan_sheet_id = 0

    def _id_token(self, email: str) -> str:
        claims = id_token_claims(
            issuer=self.emulator_url,
            email=email,
            audience=LOCAL_CLIENT_ID,
            hd=hosted_domain(email),
        )
        return mint_id_token(self.state, claims)

    def _check(self, response: requests.Response, what: str) -> Any:
        if not 200 <= response.status_code < 300:
            raise DemoFailed(f"{what}: HTTP {response.status_code} {response.text[:300]}")
        return response.json()

    def backend(
        self, method: str, path: str, body: Any = None, *, seller_token: bool = False
    ) -> Any:
        headers = {"Authorization": f"Bearer {self._id_token(SELLER)}"}
        if seller_token:
            headers["X-Goog-Access-Token"] = mint_access_token(self.state, SELLER, 3599)
        response = self.session.request(
            method, self.backend_url + path, json=body, headers=headers, timeout=TIMEOUT_S
        )
        return self._check(response, f"{method} {path}")

    def preview(self, path: str, body: dict[str, Any]) -> Any:
        url = f"{self.emulator_url}/preview/api/sheets/{self.spreadsheet_id}{path}"
        return self._check(self.session.post(url, json=body, timeout=TIMEOUT_S), path)

    def create(self, today: date) -> dict[str, Any]:
        created = self.backend(
            "POST",
            "/api/maps",
            {
                "template": "enterprise",
                "account": "Acme Corp",
                "outcome": "Cut new-hire ramp time by half before the autumn hiring wave",
                "go_live": (today + timedelta(weeks=22)).isoformat(),
                "buyers": [
                    {"name": "Dana Lee", "email": BUYER},
                    {"name": "Chris Park", "email": "chris@acme.example"},
                ],
                "seller_owner": f"Sam Seller <{SELLER}>",
                "country": "US",
                "spreadsheet_id": None,
            },
            seller_token=True,
        )
        self.spreadsheet_id = created["spreadsheet_id"]
        return dict(created)

    def find_rows(self) -> None:
        """Where the milestones and the columns are, read off the Plan tab as a person
        would: the table's header row names the columns, the ID column the milestones."""
        url = f"{self.emulator_url}/preview/api/sheets/{self.spreadsheet_id}"
        view = self._check(self.session.get(url, timeout=TIMEOUT_S), "the sheet")
        plan = next(t for t in view["tabs"] if t["title"] == PLAN_TAB)
        self.plan_sheet_id = int(plan["sheet_id"])
        texts = [[str(cell.get("v", "")) for cell in row["c"]] for row in plan["rows"]]
        header = next(i for i, row in enumerate(texts) if "Milestone" in row and "ID" in row)
        self.columns = {text: col for col, text in enumerate(texts[header]) if text}
        id_col = self.columns["ID"]
        for row, cells in zip(plan["rows"][header + 1 :], texts[header + 1 :], strict=True):
            if id_col < len(cells) and cells[id_col]:
                self.rows[cells[id_col]] = row["i"]

    def edit(self, who: str, milestone: str, column: str, value: str) -> None:
        """``who`` types ``value`` into the ``column`` (its header text) of ``milestone``."""
        self.preview(
            "/cell",
            {
                "as": who,
                "sheet_id": self.plan_sheet_id,
                "row": self.rows[milestone],
                "col": self.columns[column],
                "value": value,
            },
        )

    def sync(self) -> dict[str, Any]:
        detail: dict[str, Any] = self.backend(
            "POST", f"/api/maps/{self.spreadsheet_id}/refresh", {}
        )
        return detail


def seed_demo(
    state: EmulatorState, *, data_dir: Path, backend_url: str, emulator_url: str, today: date
) -> DemoMap:
    """Seed the demo MAP unless this data directory has one; answers it."""
    existing = seeded(data_dir)
    if existing is not None:
        return existing
    with requests.Session() as session:
        seeder = _Seeder(state, session, backend_url=backend_url, emulator_url=emulator_url)
        created = seeder.create(today)
        demo = DemoMap(seeder.spreadsheet_id, str(created.get("url", "")))
        (data_dir / MARK_FILE).write_text(
            json.dumps({"spreadsheet_id": demo.spreadsheet_id, "url": demo.url}), encoding="utf-8"
        )
        seeder.preview("/live-updates", {"enabled": True})
        seeder.find_rows()
        detail = seeder.sync()
        by_title = {m["title"]: m for m in detail["milestones"]}

        def milestone(title_start: str) -> dict[str, Any]:
            return next(m for t, m in by_title.items() if t.startswith(title_start))

        for title in ("Business case", "Technical deep-dive"):
            m = milestone(title)
            seeder.edit(SELLER, m["id"], "Status", "Done")
            seeder.edit(SELLER, m["id"], "Completed on", sheet_date(today))
        seeder.sync()

        security = milestone("Security questionnaire")
        seeder.edit(BUYER, security["id"], "Status", "In progress")
        seeder.edit(BUYER, security["id"], "Owner", "Priya Patel <priya@acme.example>")
        dpa = milestone("Data processing agreement")
        seeder.edit(BUYER, dpa["id"], "Status", "Blocked")
        seeder.edit(BUYER, dpa["id"], "Notes", "Waiting for our privacy counsel to come back")
        seeder.sync()

        signature = milestone("Contract signature")
        target = date.fromisoformat(signature["target"])
        for moved_by in (3, 8):
            seeder.edit(
                BUYER, signature["id"], "Due", sheet_date(_business_days_after(target, moved_by))
            )
            seeder.sync()
    return demo
