"""Readable output of the ``map`` commands: plain text tables for a terminal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[str(h) for h in headers]] + [
        ["" if v is None else str(v) for v in row] for row in rows
    ]
    widths = [min(44, max(len(row[i]) for row in cells)) for i in range(len(headers))]
    lines = []
    for index, row in enumerate(cells):
        lines.append("  ".join(_fit(value, widths[i]) for i, value in enumerate(row)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _fit(value: str, width: int) -> str:
    return (value[: width - 1] + "…" if len(value) > width else value).ljust(width)


def print_map(view: dict[str, Any]) -> None:
    summary = view["summary"]
    health = summary["health"]
    print(f"{summary['account']}  ·  {summary['url']}")
    committed, projected = summary["committed_go_live"], summary["projected_go_live"]
    print(f"Go-live: committed {committed}, projected {projected}")
    print(f"Slip: {summary['slip_bd']} business days")
    print(f"Deal health: {health['score']} · {health['label']}")
    _print_forecast(view.get("forecast"))
    print()
    rows = [
        (m["title"], m["side"], m["owner"], m["status"], m["target"], m["projected"], m["health"])
        for m in view["milestones"]
    ]
    print(table(("Milestone", "Side", "Owner", "Status", "Target", "Projected", "Health"), rows))
    print()
    if view["risks"]:
        print("Risks:")
        for risk in view["risks"]:
            print(f"  [{risk['severity']}] {risk['code']}: {risk['message']}")
    else:
        print("Risks: none")
    if view["next_steps"]:
        print("Next steps:")
        for step in view["next_steps"]:
            print(f"  {step['title']} ({step['owner'] or 'no owner'}), by {step['projected']}")


def _print_forecast(forecast: dict[str, Any] | None) -> None:
    if not forecast:
        return
    go_live, signature = forecast["go_live"], forecast["signature"]
    print(
        f"Forecast ({forecast['basis']['text']}): {go_live['text']}; go-live even odds by "
        f"{go_live['p50']}, 4 in 5 by {go_live['p80']}"
    )
    if signature is not None:
        print(
            f"Signature: {signature['text']}; even odds by {signature['p50']}, "
            f"4 in 5 by {signature['p80']}"
        )
    for driver in forecast["drivers"]:
        print(f"  {driver['text']}")
    if forecast["advice"]:
        print(f"What to do: {forecast['advice']}")


def _percent(p: float | None) -> str:
    return "-" if p is None else f"{round(100 * p)}%"


def print_pipeline(rows: Sequence[dict[str, Any]], rollup: dict[str, Any] | None = None) -> None:
    if not rows:
        print("No MAPs yet.")
        return
    print(
        table(
            (
                "Account",
                "Health",
                "Committed",
                "Projected",
                "Slip",
                "Signs this qtr",
                "Top risk",
                "Link",
            ),
            [
                (
                    r["account"],
                    f"{r['health']['score']} {r['health']['label']}",
                    r["committed_go_live"],
                    r["projected_go_live"],
                    r["slip_bd"],
                    _percent(r["forecast"]["p_signature_quarter"]),
                    r["top_risks"][0]["code"] if r["top_risks"] else "",
                    r["url"],
                )
                for r in rows
            ],
        )
    )
    if rollup is not None:
        print()
        print(
            f"Expected signatures this quarter: {rollup['expected_signatures']:.2f}"
            f" (amount {rollup['expected_amount']:,} over {rollup['maps_with_amount']} MAPs"
            f" with one); committed by date: {rollup['committed_by_date']}"
            f" (amount {rollup['committed_amount']:,})"
        )


def print_review(review: dict[str, Any]) -> None:
    print(f"Weekly review {review['on']} (since {review['since']})")
    for title, key in (
        ("Completed", "completed"),
        ("Overdue", "overdue"),
        ("Dates moved", "moved"),
        ("New stakeholders", "new_stakeholders"),
    ):
        items = review[key]
        print(f"{title}: {', '.join(items) if items else 'none'}")
    print(f"Open risks: {', '.join(r['code'] for r in review['risks']) or 'none'}")
