"""The daily reminder run for 1,000 MAPs: messages, time, and Sheets API calls.

One enterprise MAP is made and synced through the emulator (a real snapshot), with a
few steps due soon or overdue; 999 more MAPs with the same plan (each with its own
buyer contacts) are registered in the store. Then:

- deciding the day's messages of all 1,000 MAPs (reminders, the sellers' digests):
  time and Sheets API calls (the target is none: it reads the snapshots);
- delivering them to a real SMTP server (aiosmtpd) on this machine: messages, time;
- a second run the same day: nothing new decided, nothing sent;
- one one-click update ("Done" from a reminder): its Sheets API calls (target: one write).

Run: .venv/bin/python bench/reminders.py [--maps 1000]
"""

# ruff: noqa: E402 (imports after choosing this checkout on the path)
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

# This checkout's code first (then bench_sync beside this file).
sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

from bench_sync import NOW, Harness, emulator_process

from service.config import Settings
from service.local.mailbox import LocalSmtpServer
from service.runtime.mail import SmtpTransport
from service.runtime.mailbox import Mailbox
from service.services.action_links import Action, ActionLinks
from service.services.coalesce import sync_coalesced
from service.services.one_click import apply
from service.services.reminders import ReminderDeps, decide_all, deliver_due
from service.store import Store, migrate

BUYER = "dana@acme.example"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--maps", type=int, default=1000)
    parser.add_argument(
        "--no-send", action="store_true", help="decide only (no SMTP delivery, no second run)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, emulator_process() as url:
        store = Store.from_url(f"sqlite:///{tmp}/bench.sqlite3", clock=lambda: NOW)
        migrate(store.engine)
        harness = Harness(url, store)
        sid = harness.provision()
        for row, days in ((13, 1), (14, -1), (15, -9)):
            harness.edit(sid, f"Plan!D{row}", f"Dana Lee <{BUYER}>")
            harness.edit(sid, f"Plan!F{row}", (NOW.date() + timedelta(days=days)).isoformat())
        sync_coalesced(harness.backend, sid)
        clone_maps(store, sid, args.maps - 1)

        links = ActionLinks(
            "bench-link-secret-0123456789", "http://backend.test", clock=lambda: NOW
        )
        deps = ReminderDeps(
            store=store,
            sheets=harness.backend.sheets(),
            links=links,
            sheet_url=lambda s: f"http://sheets.test/{s}",
            now=lambda: NOW,
            working_hours=False,
        )
        harness.reset()
        started = time.perf_counter()
        report = decide_all(deps)
        decide_s = time.perf_counter() - started
        decide_calls = sum(harness.all_calls().values())

        figures: dict[str, object] = {
            "maps": report.maps,
            "reminder_messages": report.messages,
            "reminders": report.reminders,
            "digests": report.digests,
            "decide_s": round(decide_s, 2),
            "decide_sheets_api_calls": decide_calls,
        }
        if not args.no_send:
            figures.update(deliver_and_run_again(store, deps, Path(tmp)))

        harness.reset()
        token = links.action_url(sid, "m1", BUYER, Action.DONE).rsplit("/", 1)[1]
        apply(harness.backend, links.check_action(token))
        figures["one_click_sheets_api_calls"] = harness.all_calls()
        print(json.dumps(figures, indent=2))
        store.close()


def deliver_and_run_again(store: Store, deps: ReminderDeps, tmp: Path) -> dict[str, object]:
    """Deliver everything to a real SMTP server, then run the day again."""
    smtp = LocalSmtpServer(Mailbox(tmp / "mailbox")).start()
    try:
        transport = SmtpTransport(Settings(), host=smtp.host, port=smtp.port)
        started = time.perf_counter()
        sent = deliver_due(store, lambda _m: transport, lambda: NOW)
        send_s = time.perf_counter() - started
        received = len(list((tmp / "mailbox").glob("*.eml")))
        started = time.perf_counter()
        again = decide_all(deps)
        again_sent = deliver_due(store, lambda _m: transport, lambda: NOW)
        again_s = time.perf_counter() - started
    finally:
        smtp.stop()
    return {
        "sent": sent,
        "received_by_smtp": received,
        "send_s": round(send_s, 2),
        "second_run_decided": again.messages + again.digests,
        "second_run_sent": again_sent,
        "second_run_s": round(again_s, 2),
    }


def clone_maps(store: Store, sid: str, count: int) -> None:
    """``count`` more MAPs with the plan of ``sid``, each with its own buyer."""
    record = store.get_map(sid)
    snapshot = store.latest_snapshot(sid)
    assert record is not None and snapshot is not None
    plan_text = json.dumps(snapshot.plan)
    for i in range(count):
        clone = f"bench-{i:05d}"
        store.register_map(
            spreadsheet_id=clone,
            org=record.org,
            seller_email=record.seller_email,
            account=f"Account {i}",
            template=record.template,
            committed_go_live=record.committed_go_live,
            created_on=record.created_on,
            buyer_emails=[f"dana@acme{i}.example"],
        )
        store.save_snapshot(
            clone,
            plan=json.loads(plan_text.replace(BUYER, f"dana@acme{i}.example")),
            computed=snapshot.computed,
            sheet_state=snapshot.sheet_state,
        )


if __name__ == "__main__":
    main()
