"""Engine commands: ``compute``, ``calibrate`` and ``plan``.

``compute PLAN.json [--today D] [--calibration FILE]`` prints the computed plan of a plan
document (the plan contract's output). ``calibrate PAST.jsonl [-o FILE]`` writes the
observed durations of past plans (one plan document a line) for ``compute --calibration``.
``plan --template NAME --go-live D`` prints a template's back-scheduled plan as a table,
or with ``--json`` the plan document ``compute`` reads.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from service.domain import Calibration, ComputedPlan, Plan


def add_parser(sub: Any, name: str, help_text: str) -> None:
    parser = sub.add_parser(name, help=help_text, description=help_text)
    if name == "compute":
        parser.add_argument("plan_file", metavar="PLAN.json", help="plan document; - for stdin")
        parser.add_argument("--today", help="the day to compute for, YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--calibration",
            metavar="FILE",
            help="observed durations from `calibrate` (instead of the plan's own, if any)",
        )
        parser.set_defaults(handler=_compute)
        return
    if name == "calibrate":
        parser.add_argument(
            "past_file", metavar="PAST.jsonl", help="past plan documents, one a line; - for stdin"
        )
        parser.add_argument("-o", "--output", metavar="FILE", help="write here, not to stdout")
        parser.set_defaults(handler=_calibrate)
        return
    parser.add_argument("--template", required=True, help="template name, e.g. enterprise")
    parser.add_argument("--go-live", required=True, help="committed go-live date, YYYY-MM-DD")
    parser.add_argument("--today", help="the day to compute for, YYYY-MM-DD (default: today)")
    parser.add_argument("--country", default="US", help="country of the holidays (default US)")
    parser.add_argument("--account", default="", help="the buyer's company")
    parser.add_argument("--outcome", default="", help="why the buyer is buying")
    parser.add_argument(
        "--buyer",
        action="append",
        default=[],
        metavar="'NAME <EMAIL>'",
        help="a buyer contact (repeatable; the first owns the buyer's commercial steps)",
    )
    parser.add_argument("--seller", default="", help="who owns the seller's steps")
    parser.add_argument("--signature-date", help="pin the signature step to this date")
    parser.add_argument("--json", action="store_true", help="print the plan document instead")
    parser.set_defaults(handler=_plan)


def _compute(args: argparse.Namespace) -> int:
    from service.cli.common import fail
    from service.domain import PlanInputError, compute, parse_plan

    today = _date_option(args.today, "--today") if args.today is not None else date.today()
    calibration = _read_calibration(args.calibration) if args.calibration else None
    doc = _read_json(args.plan_file)
    try:
        computed = compute(parse_plan(doc), today, calibration)
    except PlanInputError as exc:
        fail(str(exc))
    print(json.dumps(computed.to_json(), indent=2, ensure_ascii=False))
    return 0


def _read_calibration(source: str) -> Calibration:
    from service.cli.common import fail
    from service.domain import Calibration, PlanInputError

    doc = _read_json(source)
    try:
        return Calibration.from_json(doc)
    except PlanInputError as exc:
        fail(f"{source}: {exc}")


def _calibrate(args: argparse.Namespace) -> int:
    from service.cli.common import fail
    from service.domain import PlanInputError, parse_plan
    from service.domain.calibration import calibration_from, duration_observations

    name = "standard input" if args.past_file == "-" else args.past_file
    per_plan = []
    for number, line in enumerate(_read_text(args.past_file).splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{name} line {number}"
        doc = _parse_json(line, where)
        try:
            per_plan.append(duration_observations(parse_plan(doc)))
        except PlanInputError as exc:
            fail(f"{where}: {exc}")
    if not per_plan:
        fail(f"{name} has no plan documents (one JSON object a line)")
    text = json.dumps(calibration_from(per_plan).to_json(), indent=2, ensure_ascii=False)
    if args.output is None:
        print(text)
        return 0
    try:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {args.output}: {exc.strerror or exc}")
    return 0


def _plan(args: argparse.Namespace) -> int:
    from service.cli.common import fail
    from service.domain import PlanInputError, compute, plan_to_json
    from service.domain.calendar import supported_countries
    from service.domain.owners import parse_owner
    from service.templates import TemplateError, load_template

    go_live = _date_option(args.go_live, "--go-live")
    today = _date_option(args.today, "--today") if args.today is not None else date.today()
    signature = (
        _date_option(args.signature_date, "--signature-date") if args.signature_date else None
    )
    country = args.country.strip().upper()
    if country not in supported_countries():
        fail(f"--country: {args.country!r} is not a country code we know; use one such as US")
    try:
        template = load_template(args.template)
    except TemplateError as exc:
        fail(f"--template: {exc}")
    plan = template.to_plan(
        account=args.account,
        outcome=args.outcome,
        go_live=go_live,
        country=country,
        buyers=[parse_owner(b) for b in args.buyer],
        seller_owner=args.seller,
        signature_date=signature,
        created_on=today,
    )
    if args.json:
        print(json.dumps(plan_to_json(plan), indent=2, ensure_ascii=False))
        return 0
    try:
        computed = compute(plan, today)
    except PlanInputError as exc:
        fail(str(exc))
    print(_table(template.title, plan, computed))
    return 0


def _date_option(text: str, option: str) -> date:
    from service.cli.common import fail

    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    fail(f"{option}: {text!r} is not a date; write it as YYYY-MM-DD")


def _read_text(source: str) -> str:
    from service.cli.common import fail

    name = "standard input" if source == "-" else source
    try:
        return sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        fail(f"cannot read {name}: {reason}")


def _read_json(source: str) -> object:
    return _parse_json(_read_text(source), "standard input" if source == "-" else source)


def _parse_json(text: str, name: str) -> object:
    from service.cli.common import fail

    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        fail(f"{name} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")
    except RecursionError:
        fail(f"{name} is not a plan document: it is nested too deeply")


def _table(title: str, plan: Plan, computed: ComputedPlan) -> str:
    """The plan as a person reads it: the go-live and health on top, then one row a step."""
    heading = f"{title} for {plan.account}" if plan.account else title
    slip = f", {computed.slip_bd} business days late" if computed.slip_bd else ""
    lines = [
        heading,
        f"Committed go-live: {computed.committed_go_live}   "
        f"Projected go-live: {computed.projected_go_live}{slip}",
        f"Deal health: {computed.health.score} ({computed.health.label})   "
        f"Today: {computed.today}   Country: {plan.country}",
        _forecast_line(computed),
        "",
    ]
    header = ("#", "Milestone", "Side", "Owner", "Lead", "Target", "Health")
    rows = [
        (
            m.id,
            _clip(m.title, 44),
            m.side.value,
            _clip(m.owner or "-", 40),
            f"{m.lead_bd} bd",
            c.target.isoformat() if c.target else "-",
            c.health.value,
        )
        for m, c in zip(plan.milestones, computed.milestones, strict=True)
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    if computed.risks:
        lines += ["", "Risks:"]
        lines += [f"  [{r.severity.value}] {r.code}: {r.message}" for r in computed.risks]
    return "\n".join(lines)


def _forecast_line(computed: ComputedPlan) -> str:
    go_live = computed.forecast.go_live
    line = (
        f"Go-live on time: {round(go_live.p_on_time * 100)}%   "
        f"50% by {go_live.p50}, 80% by {go_live.p80}"
    )
    signature = computed.forecast.signature
    if signature is not None:
        line += f"   Signed this quarter: {round(signature.p_in_quarter * 100)}%"
    return line


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
