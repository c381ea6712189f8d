"""``python -m service compute`` and ``plan``, run as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from service.domain import compute, parse_plan
from service.domain.calendar import BusinessCalendar

ROOT = Path(__file__).resolve().parents[2]

PLAN: dict[str, Any] = {
    "account": "Acme Corp",
    "go_live": "2027-01-15",
    "created_on": "2026-11-02",
    "milestones": [
        {"id": "m1", "title": "Pricing proposal review", "side": "buyer", "lead_bd": 3,
         "owner": "Dana Lee <dana@acme.com>", "status": "✅ Done", "completed_on": "2026-11-20"},
        {"id": "m2", "title": "Technical validation (InfoSec)", "side": "buyer",
         "category": "security", "owner": "security@acme.com", "lead_bd": 10},
        {"id": "m3", "title": "Legal contract redlines", "side": "joint", "lead_bd": 10},
        {"id": "m4", "title": "Final signature", "kind": "signature", "lead_bd": 3},
        {"id": "m5", "title": "Kickoff", "lead_bd": 5, "status": "n/a"},
        {"id": "m6", "title": "Go-live", "kind": "go_live", "lead_bd": 10},
    ],
}  # fmt: skip


def run(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )


def write(tmp_path: Path, doc: object, name: str = "plan.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for word in words:
        assert word in lines[0]


def test_compute_prints_the_computed_plan_as_the_contract_shapes_it(tmp_path: Path) -> None:
    result = run("compute", write(tmp_path, PLAN), "--today", "2026-12-01")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = json.loads(result.stdout)
    assert out == compute(parse_plan(PLAN), date(2026, 12, 1)).to_json()
    assert list(out) == [
        "today", "committed_go_live", "projected_go_live", "slip_bd", "health", "forecast",
        "milestones", "risks",
    ]  # fmt: skip
    assert out["milestones"][4] == {
        "id": "m5", "target": None, "projected": None, "health": "N/A", "slip_bd": 0,
    }  # fmt: skip
    assert result.stdout.startswith('{\n  "today": "2026-12-01",')  # indented by two


def test_compute_reads_standard_input_and_defaults_today_to_today() -> None:
    result = run("compute", "-", stdin=json.dumps(PLAN))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["today"] == date.today().isoformat()


def _with(path: list[Any], value: Any) -> dict[str, Any]:
    doc = json.loads(json.dumps(PLAN))
    target = doc
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


_DELETE = object()


@pytest.mark.parametrize(
    ("doc", "words"),
    [
        (_with(["milestones", 2, "id"], "m1"), ["milestones[2].id", "duplicate id 'm1'"]),
        (_with(["milestones", 3, "depends_on"], ["m2", "m9"]),
         ["milestones[3].depends_on", "unknown milestone id 'm9'"]),
        (_with(["milestones", 0, "depends_on"], ["m3"]),
         ["milestones[0].depends_on", "cycle m1 -> m3 -> m2 -> m1"]),
        (_with(["milestones"], []), ["milestones", "at least one milestone"]),
        (_with(["milestones", 0, "kind"], "go_live"), ["milestones[5].kind", "go-live"]),
        (_with(["go_live"], "2027-02-30"), ["go_live", "not a real date"]),
        (_with(["go_live"], _DELETE), ["go_live", "required"]),
        (_with(["milestones", 1, "due"], "next Tuesday"), ["milestones[1].due", "YYYY-MM-DD"]),
        (_with(["milestones", 1, "status"], "Finished?"),
         ["milestones[1].status", "unknown status 'Finished?'"]),
        (_with(["milestones", 1, "lead_bd"], "ten"), ["milestones[1].lead_bd"]),
        (["not", "a", "plan"], ["JSON object"]),
    ],
)  # fmt: skip
def test_compute_rejects_bad_plans_with_one_line_naming_the_field(
    tmp_path: Path, doc: object, words: list[str]
) -> None:
    assert_one_line_error(run("compute", write(tmp_path, doc), "--today", "2026-12-01"), *words)


def test_compute_rejects_invalid_json_with_its_position(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text('{"go_live": "2027-01-15",\n  "milestones": [}', encoding="utf-8")
    assert_one_line_error(run("compute", str(path)), "not valid JSON", "line 2")


def test_compute_rejects_a_file_it_cannot_read(tmp_path: Path) -> None:
    assert_one_line_error(run("compute", str(tmp_path / "missing.json")), "cannot read", "missing")
    binary = tmp_path / "plan.json"
    binary.write_bytes(b"\xff\xfe\x00{")
    assert_one_line_error(run("compute", str(binary)), "cannot read")


@pytest.mark.parametrize("today", ["2026-13-01", "tomorrow", "2026-1-5", ""])
def test_compute_rejects_a_bad_today(tmp_path: Path, today: str) -> None:
    assert_one_line_error(run("compute", write(tmp_path, PLAN), "--today", today), "--today")


def test_plan_prints_a_readable_table_with_the_go_live_and_health_on_top() -> None:
    result = run(
        "plan", "--template", "simple-close-plan", "--go-live", "2027-01-15",
        "--today", "2026-11-02", "--account", "Acme Corp", "--buyer", "Dana Lee <dana@acme.com>",
        "--seller", "Sam Seller <sam@vendor.com>",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Simple Close Plan for Acme Corp"
    assert (
        "Committed go-live: 2027-01-15" in lines[1] and "Projected go-live: 2027-01-15" in lines[1]
    )
    assert lines[2].startswith("Deal health: ")
    header = next(line for line in lines if line.startswith("#"))
    for column in ("Milestone", "Side", "Owner", "Lead", "Target", "Health"):
        assert column in header
    row = next(line for line in lines if line.startswith("m2 "))
    assert "Technical validation (InfoSec)" in row
    assert "Acme Corp InfoSec lead (name needed)" in row
    assert "10 bd" in row and "2026-12-04" in row and "On track" in row
    assert "MISSING_STAKEHOLDER" in result.stdout


def test_plan_json_is_a_plan_document_that_compute_accepts() -> None:
    planned = run("plan", "--template", "enterprise", "--go-live", "2027-03-31", "--json",
                  "--today", "2026-11-02", "--country", "gb")  # fmt: skip
    assert planned.returncode == 0, planned.stderr
    doc = json.loads(planned.stdout)
    assert doc["go_live"] == "2027-03-31" and doc["country"] == "GB"
    assert doc["created_on"] == "2026-11-02"
    assert len(doc["milestones"]) == 15
    computed = run("compute", "-", "--today", "2026-11-02", stdin=planned.stdout)
    assert computed.returncode == 0, computed.stderr
    assert json.loads(computed.stdout)["committed_go_live"] == "2027-03-31"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--template", "nope", "--go-live", "2027-03-31"],
         ["--template", "unknown template 'nope'", "enterprise"]),
        (["--template", "enterprise", "--go-live", "31/03/2027"], ["--go-live", "YYYY-MM-DD"]),
        (["--template", "enterprise", "--go-live", "2027-03-31", "--today", "x"], ["--today"]),
        (["--template", "enterprise", "--go-live", "2027-03-31", "--country", "Atlantis"],
         ["--country", "Atlantis"]),
        (["--template", "enterprise", "--go-live", "2027-03-31", "--signature-date", "soon"],
         ["--signature-date"]),
    ],
)  # fmt: skip
def test_plan_rejects_bad_options_with_one_clear_line(args: list[str], words: list[str]) -> None:
    assert_one_line_error(run("plan", *args), *words)


# -- the forecast and calibration ----------------------------------------------------


def test_compute_prints_the_same_forecast_in_every_process(tmp_path: Path) -> None:
    path = write(tmp_path, PLAN)
    outputs = {
        run("compute", path, "--today", "2026-12-01",
            env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2", "3")
    }  # fmt: skip
    assert len(outputs) == 1
    forecast = json.loads(outputs.pop())["forecast"]
    assert forecast["basis"] == {"kind": "priors", "plans": 0}


def _past_plans() -> list[dict[str, Any]]:
    """Three finished deals in which the InfoSec validation took 15 business days, not 10."""
    plans = []
    for created in ("2026-03-02", "2026-04-06", "2026-05-04"):
        start = date.fromisoformat(created)
        us = BusinessCalendar.get("US")
        m1 = us.add_bd(start, 3)
        m2 = us.add_bd(m1, 15)
        plans.append({
            "go_live": us.add_bd(m2, 10).isoformat(), "created_on": created,
            "milestones": [
                {"id": "m1", "title": "Pricing", "side": "buyer", "lead_bd": 3,
                 "status": "Done", "completed_on": m1.isoformat()},
                {"id": "m2", "title": "InfoSec", "side": "buyer", "category": "security",
                 "lead_bd": 10, "status": "Done", "completed_on": m2.isoformat()},
                {"id": "m3", "title": "Go-live", "kind": "go_live", "lead_bd": 10},
            ],
        })  # fmt: skip
    return plans


def test_calibrate_then_compute_with_the_calibration(tmp_path: Path) -> None:
    past = tmp_path / "past.jsonl"
    past.write_text("\n".join(json.dumps(p) for p in _past_plans()) + "\n\n", encoding="utf-8")
    out = tmp_path / "calibration.json"
    made = run("calibrate", str(past), "-o", str(out))
    assert made.returncode == 0, made.stderr
    assert made.stdout == "" and made.stderr == ""
    calibration = json.loads(out.read_text(encoding="utf-8"))
    assert calibration["plans"] == 3
    security = next(r for r in calibration["ratios"] if r["category"] == "security")
    assert (security["side"], security["n"], security["median"]) == ("buyer", 3, 1.5)
    assert run("calibrate", str(past)).stdout.strip() == out.read_text(encoding="utf-8").strip()

    plan = write(tmp_path, PLAN)
    computed = run("compute", plan, "--today", "2026-12-01", "--calibration", str(out))
    assert computed.returncode == 0, computed.stderr
    basis = json.loads(computed.stdout)["forecast"]["basis"]
    assert basis == {"kind": "calibrated", "plans": 3}


@pytest.mark.parametrize(
    ("lines", "words"),
    [
        (["{}"], ["past.jsonl line 1: go_live", "required"]),
        (["", "{not json"], ["past.jsonl line 2", "not valid JSON"]),
        (['{"go_live": "2027-01-15", "milestones": [{"id": "a", "title": "A",'
          ' "completed_on": "someday"}]}'],
         ["past.jsonl line 1: milestones[0].completed_on", "YYYY-MM-DD"]),
        ([""], ["past.jsonl has no plan documents"]),
    ],
)  # fmt: skip
def test_calibrate_rejects_bad_lines_naming_the_line_and_field(
    tmp_path: Path, lines: list[str], words: list[str]
) -> None:
    past = tmp_path / "past.jsonl"
    past.write_text("\n".join(lines), encoding="utf-8")
    result = run("calibrate", str(past))
    assert_one_line_error(result, *[w.replace("past.jsonl", str(past)) for w in words])


def test_compute_rejects_a_bad_calibration_naming_the_file_and_field(tmp_path: Path) -> None:
    bad_doc = {"version": 1, "plans": 1, "ratios": [{"category": "legal"}],
               "buyer_pace": {"plans": 0, "var_log": 0}}  # fmt: skip
    bad = write(tmp_path, bad_doc, "c.json")
    result = run("compute", write(tmp_path, PLAN), "--calibration", bad)
    assert_one_line_error(result, f"{bad}: ratios[0].side", "missing")
    result = run("compute", write(tmp_path, PLAN), "--calibration", str(tmp_path / "no.json"))
    assert_one_line_error(result, "cannot read")
