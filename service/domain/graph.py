"""The dependency graph of a plan.

Edges run from each milestone to those in its ``depends_on`` (default: the previous
milestone in table order). N/A milestones drop out and their successors inherit their
predecessors. The go-live milestone is the one of kind ``go_live``, else the last
milestone in table order; a milestone is *after go-live* when it depends on it,
directly or not. Milestones are referred to by their position in the table.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from service.domain.errors import PlanInputError
from service.domain.model import Kind, Milestone, Plan

MAX_LEAD_BD = 1000


@dataclass(frozen=True, slots=True)
class PlanGraph:
    milestones: tuple[Milestone, ...]
    active: tuple[int, ...]  # not N/A, in table order
    preds: tuple[tuple[int, ...], ...]  # after N/A bridging; empty for N/A milestones
    succs: tuple[tuple[int, ...], ...]
    order: tuple[int, ...]  # active milestones, every predecessor before its successors
    go_live: int | None  # None only when every milestone is N/A
    after: tuple[bool, ...]  # depends on the go-live milestone, directly or not
    open: tuple[int, ...] = ()  # active and not done, in table order (the risks' rows)

    @classmethod
    def build(cls, plan: Plan) -> PlanGraph:
        """The graph of ``plan``; PlanInputError if its structure breaks the contract."""
        milestones = plan.milestones
        deps = _direct_dependencies(milestones)
        full_order = topological_order(deps, milestones)
        declared = _declared_go_live(milestones)

        n = len(milestones)
        reaches: list[tuple[int, ...]] = [()] * n  # what a successor of i depends on
        preds: list[tuple[int, ...]] = [()] * n
        succs: list[list[int]] = [[] for _ in range(n)]
        for i in full_order:
            inherited = _union([reaches[d] for d in deps[i]])
            if milestones[i].is_not_applicable:
                reaches[i] = inherited
            else:
                reaches[i] = (i,)
                preds[i] = inherited
                for p in inherited:
                    succs[p].append(i)

        active = tuple(i for i in range(n) if not milestones[i].is_not_applicable)
        go_live = declared
        if declared is not None and milestones[declared].is_not_applicable:
            go_live = None
        if go_live is None and active:
            go_live = active[-1]
        order = tuple(i for i in full_order if not milestones[i].is_not_applicable)
        after = [False] * n
        for i in order:
            after[i] = any(p == go_live or after[p] for p in preds[i])
        return cls(
            milestones=milestones,
            active=active,
            preds=tuple(preds),
            succs=tuple(tuple(s) for s in succs),
            order=order,
            go_live=go_live,
            after=tuple(after),
            open=tuple(i for i in active if not milestones[i].is_done),
        )


def topological_order(deps: Sequence[Sequence[int]], milestones: Sequence[Milestone]) -> list[int]:
    """Every milestone after those it depends on; PlanInputError naming a cycle if any."""
    n = len(deps)
    waiting = [len(d) for d in deps]
    dependents: list[list[int]] = [[] for _ in range(n)]
    for i, ds in enumerate(deps):
        for d in ds:
            dependents[d].append(i)
    ready = deque(i for i in range(n) if waiting[i] == 0)
    order: list[int] = []
    while ready:
        i = ready.popleft()
        order.append(i)
        for s in dependents[i]:
            waiting[s] -= 1
            if waiting[s] == 0:
                ready.append(s)
    if len(order) < n:
        cycle = _find_cycle(deps, waiting)
        names = " -> ".join(milestones[i].id for i in [*cycle, cycle[0]])
        raise PlanInputError(
            f"milestones[{cycle[0]}].depends_on",
            f"dependency cycle {names} (each waits for the next); remove one of these links",
        )
    return order


def _direct_dependencies(milestones: Sequence[Milestone]) -> list[tuple[int, ...]]:
    if not milestones:
        raise PlanInputError("milestones", "a plan needs at least one milestone")
    position: dict[str, int] = {}
    for i, m in enumerate(milestones):
        if m.id in position:
            raise PlanInputError(
                f"milestones[{i}].id",
                f"duplicate id {m.id!r} (milestones[{position[m.id]}] has it too)",
            )
        position[m.id] = i
        if not 0 <= m.lead_bd <= MAX_LEAD_BD:
            raise PlanInputError(
                f"milestones[{i}].lead_bd",
                f"must be a whole number of business days from 0 to {MAX_LEAD_BD}",
            )
    deps: list[tuple[int, ...]] = []
    for i, m in enumerate(milestones):
        if m.depends_on is None:
            deps.append((i - 1,) if i > 0 else ())
            continue
        found: dict[int, None] = {}
        for ref in m.depends_on:
            j = position.get(ref)
            if j is None:
                raise PlanInputError(f"milestones[{i}].depends_on", f"unknown milestone id {ref!r}")
            found[j] = None
        deps.append(tuple(found))
    return deps


def _declared_go_live(milestones: Sequence[Milestone]) -> int | None:
    declared: int | None = None
    for i, m in enumerate(milestones):
        if m.kind is Kind.GO_LIVE:
            if declared is not None:
                raise PlanInputError(
                    f"milestones[{i}].kind",
                    f"only one milestone can be the go-live (milestones[{declared}] already is)",
                )
            declared = i
    return declared


def _find_cycle(deps: Sequence[Sequence[int]], waiting: Sequence[int]) -> list[int]:
    """A cycle among the milestones the topological sort could not place."""
    stuck = [i for i in range(len(deps)) if waiting[i] > 0]
    # Every stuck milestone waits for another stuck one, so following those links
    # from any of them must come back to a milestone already seen.
    stuck_set = set(stuck)
    seen: dict[int, int] = {}
    path: list[int] = []
    i = stuck[0]
    while i not in seen:
        seen[i] = len(path)
        path.append(i)
        i = next(d for d in deps[i] if d in stuck_set)
    cycle = path[seen[i] :]
    first = cycle.index(min(cycle))
    return cycle[first:] + cycle[:first]


def _union(groups: list[tuple[int, ...]]) -> tuple[int, ...]:
    if len(groups) == 1:
        return groups[0]
    merged: dict[int, None] = {}
    for group in groups:
        for i in group:
            merged[i] = None
    return tuple(merged)
