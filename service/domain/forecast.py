"""The forecast: how likely the plan's dates are, by Monte Carlo over the dependency graph.

The schedule assumes every open step takes exactly its lead. Here each open step that the
go-live or the signature waits for takes ``lead_bd`` times a lognormal ratio
(:func:`~service.domain.calibration.ratio_distribution`) in each of :data:`SAMPLES` runs, and
the runs are pushed through the graph in dependency order:

- A step starts when the last of its predecessors finishes (the targets are the latest
  dates, not the planned ones, so an early finish is time gained). A step without
  predecessors started on its planned start (target less lead) or on the plan's
  ``created_on`` if earlier, and never later than today.
- A step that has been open a while is conditioned on still being open: its duration is
  drawn from the lognormal given that it is longer than the business days already gone.
  Under a heavy tail, the longer a step has run, the later it is likely to finish.
- Buyers differ, and a slow buyer is slow everywhere: each run draws one pace for the
  buyer, a factor on every buyer and joint step, so the plan's parallel paperwork is not
  treated as independent luck. The pace is read from the plan's own finished buyer and
  joint steps first (a normal update on the logarithm: each finished step's deviation from
  its category's median, weighed against its own spread), so a buyer who has run slow is
  expected to keep doing so. Steps without predecessors are not read: their start is
  when the plan was written, not when their work began. Each step's spread is the
  prior's or calibration's, less the pace's share.
- Nothing open finishes before the next business day from today; a pinned step not before
  its pin, the go-live not before its target. Done steps finish on their projected date.

Determinism: the same plan on the same day always gives the same forecast, with no seed to
keep. Each step's draws are a Latin hypercube sample (every 1/SAMPLES slice of the
distribution drawn once) in an order shuffled by a hash of the step's id, using SplitMix64
rather than numpy's generators, whose streams may change between numpy versions. Because
the draws depend on the id alone, a later ``today`` reuses them: a step still open
tomorrow finishes no earlier in any run, so the probabilities can only fall while nothing
else changes, and an edit to one step does not reshuffle the others.

numpy: the runs are vectors, so a step costs a few array operations whatever the number of
runs. A 15-step chain of 2,000 runs takes about 95 ms in plain Python and 1.6 ms with numpy;
the engine's budget is 5 ms for 15 steps and 1 s for 2,000.

Drivers: in each run where go-live is late, the lateness is followed back along the chain
that set it (each step's latest-finishing predecessor, until a step that started on its own
floor). Each open step on that chain is given what it added (its lateness less the
lateness it inherited); a done step that ended the chain late holds the rest, which is
fixed. A step's share is the mean of its part over the late runs.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from datetime import date
from functools import cache, lru_cache

import numpy as np
import numpy.typing as npt

from service.domain.calibration import (
    Calibration,
    buyer_pace_sigma,
    duration_observations,
    ratio_distribution,
)
from service.domain.model import (
    BasisKind,
    Driver,
    Forecast,
    ForecastBasis,
    GoLiveForecast,
    Kind,
    Side,
    SignatureForecast,
)
from service.domain.schedule import Schedule, quarter_end, quarter_index

SAMPLES = 2000
# At most this many drivers are named, each with at least this share.
MAX_DRIVERS = 3
MIN_DRIVER_SHARE = 0.05
# SLIP_LIKELY fires below this chance of signing in the quarter.
SLIP_LIKELY_BELOW = 0.5
# A step's own spread never falls below this, whatever share the buyer's pace takes.
MIN_OWN_SIGMA = 0.01
# The inverse normal is read from a table of the normal's log tail over this range of z.
_Z_LIMIT = 12.0
_Z_STEP = 0.002

Floats = npt.NDArray[np.float64]


def forecast(schedule: Schedule, calibration: Calibration | None) -> Forecast:
    """The go-live and signature forecasts, the go-live's drivers and the basis."""
    runs = _Runs(schedule, calibration)
    basis = ForecastBasis(kind=BasisKind.PRIORS, plans=0)
    if calibration is not None and calibration.plans > 0:
        basis = ForecastBasis(kind=BasisKind.CALIBRATED, plans=calibration.plans)
    go_live = schedule.graph.go_live
    if go_live is None:  # every milestone is N/A: nothing can be late
        day = schedule.projected_go_live
        return Forecast(
            go_live=GoLiveForecast(p_on_time=1.0, p50=day, p80=day),
            signature=None,
            drivers=(),
            basis=basis,
        )
    deadline = runs.target[go_live]
    p50, p80 = runs.quantile_dates(go_live, (0.5, 0.8))
    shares = runs.blame(go_live, deadline)
    drivers = tuple(
        Driver(milestone=schedule.graph.milestones[i].id, share=share) for i, share in _top(shares)
    )
    signature = _signature(schedule, runs)
    return Forecast(
        go_live=GoLiveForecast(p_on_time=runs.p_by(go_live, deadline), p50=p50, p80=p80),
        signature=signature,
        drivers=drivers,
        basis=basis,
        signature_drivers=_signature_drivers(schedule, runs, signature),
    )


def signature_row(schedule: Schedule) -> int | None:
    """The milestone the signature forecast is about: the first kind "signature" that is
    not N/A, in table order."""
    graph = schedule.graph
    return next((i for i in graph.active if graph.milestones[i].kind is Kind.SIGNATURE), None)


def _signature(schedule: Schedule, runs: _Runs) -> SignatureForecast | None:
    row = signature_row(schedule)
    if row is None:
        return None
    target = schedule.target[row]
    assert target is not None
    end = quarter_end(target, schedule.plan.quarter_start_month)
    p50, p80 = runs.quantile_dates(row, (0.5, 0.8))
    return SignatureForecast(
        p_in_quarter=runs.p_by(row, runs.offset(end)),
        p50=p50,
        p80=p80,
        quarter_end=end,
        p_this_quarter=_p_this_quarter(schedule, runs, row),
    )


def _p_this_quarter(schedule: Schedule, runs: _Runs, row: int) -> float:
    """P(the signature lands in the quarter holding today): nothing open finishes before
    tomorrow, so for an open step it is P(done by the quarter's end)."""
    start_month = schedule.plan.quarter_start_month
    if schedule.graph.milestones[row].is_done:
        projected = schedule.projected[row]
        same = projected is not None and quarter_index(projected, start_month) == quarter_index(
            schedule.today, start_month
        )
        return 1.0 if same else 0.0
    return runs.p_by(row, runs.offset(quarter_end(schedule.today, start_month)))


def _signature_drivers(
    schedule: Schedule, runs: _Runs, signature: SignatureForecast | None
) -> tuple[str, ...]:
    """What holds the signature up, for SLIP_LIKELY's message (so only when it may fire:
    the signature open, likely to miss its quarter, and not projected past it already)."""
    row = signature_row(schedule)
    if row is None or signature is None or signature.p_in_quarter >= SLIP_LIKELY_BELOW:
        return ()
    projected = schedule.projected[row]
    assert projected is not None
    if schedule.graph.milestones[row].is_done or projected > signature.quarter_end:
        return ()  # done, or QUARTER_SLIP says it already
    target = schedule.target[row]
    assert target is not None
    end = runs.offset(quarter_end(target, schedule.plan.quarter_start_month))
    return tuple(schedule.graph.milestones[i].id for i, _ in _top(runs.blame(row, end)))


def _top(shares: dict[int, float]) -> list[tuple[int, float]]:
    """The biggest shares, rounded, most first (then table order), summing to at most 1."""
    ranked = sorted(shares.items(), key=lambda item: (-item[1], item[0]))
    chosen = [(i, round(s, 2)) for i, s in ranked[:MAX_DRIVERS] if round(s, 2) >= MIN_DRIVER_SHARE]
    excess = round(sum(s for _, s in chosen) - 1.0, 2)
    if excess > 0:  # rounding up can only overshoot by a hundredth or two
        i, s = chosen[-1]
        chosen[-1] = (i, round(s - excess, 2))
    return chosen


class _Runs:
    """Finish days of the milestones the go-live and signature wait for, in every run.

    Days are business-day offsets from ``anchor``, the business day on or before today.
    Rows follow ``self.rows`` (milestone positions in dependency order).
    """

    def __init__(self, schedule: Schedule, calibration: Calibration | None) -> None:
        self.schedule = schedule
        self.calendar = schedule.calendar
        self.anchor = self.calendar.prev_bd(schedule.today)
        graph = schedule.graph
        roots = [r for r in (graph.go_live, signature_row(schedule)) if r is not None]
        needed = _ancestors(graph.preds, roots)
        self.rows = [i for i in graph.order if i in needed]
        self.row_of = {i: r for r, i in enumerate(self.rows)}
        self.target: dict[int, int] = {}
        count = len(self.rows)
        # Whole business days, kept as floats: no casts between the steps.
        self.finish = np.empty((count, SAMPLES))
        # The row whose finish set this one's start, or -1 where a floor did (or no
        # predecessor): the chain the drivers follow back.
        self.binding = np.full((count, SAMPLES), -1, dtype=np.int32)
        # The lateness (past its target) of the row that set this one's start: what a step
        # inherited rather than added. Zero where a floor set the start.
        # Kept as float32, as ``blame`` reads it (whole days: exact either way), and the
        # row numbers as int32: half the memory to fill at 2,000 milestones.
        self.inherited = np.zeros((count, SAMPLES), dtype=np.float32)
        self.open = np.zeros(count, dtype=bool)
        self.target_offsets = np.empty(count)
        self.pace_sigma = buyer_pace_sigma(calibration)
        self.pace = self._buyer_pace(calibration)
        floor = self.offset(self.calendar.next_bd(schedule.today))
        for r, i in enumerate(self.rows):
            t = schedule.target[i]
            assert t is not None
            self.target[i] = self.target_offsets[r] = self.offset(t)
            self._run(r, i, floor, calibration)

    def offset(self, day: date) -> int:
        """Business days from the anchor to ``day`` (to the business day on or before it)."""
        if day >= self.anchor:
            return self.calendar.bd_between(self.anchor, day)
        return -self.calendar.bd_between(day, self.anchor)

    def day(self, offset: int) -> date:
        if offset >= 0:
            return self.calendar.add_bd(self.anchor, offset)
        return self.calendar.sub_bd(self.anchor, -offset)

    def p_by(self, milestone: int, deadline: int) -> float:
        """P(``milestone`` done by the offset ``deadline``), two decimals."""
        on_time = int(np.count_nonzero(self.finish[self.row_of[milestone]] <= deadline))
        return round(on_time / SAMPLES, 2)

    def quantile_dates(self, milestone: int, levels: Sequence[float]) -> list[date]:
        """The first day by which ``milestone`` is done in at least each share of the runs."""
        ordered = np.sort(self.finish[self.row_of[milestone]])
        return [self.day(int(ordered[math.ceil(q * SAMPLES) - 1])) for q in levels]

    def blame(self, milestone: int, deadline: int) -> dict[int, float]:
        """Each open milestone's share of the runs in which ``milestone`` misses ``deadline``.

        In each run, every row's own part is what it adds to the lateness it inherited from
        the row that set its start (a done row: all of its lateness, fixed). The chain is
        marked from ``milestone`` back, successors before predecessors, through open rows.
        """
        root = self.row_of[milestone]
        late = self.finish[root] > deadline
        late_runs = int(np.count_nonzero(late))
        if late_runs == 0:
            return {}
        # Only rows up to the root can be on its chain (predecessors come first), and whole
        # days are well inside float32's exact integers: less memory to sweep.
        rows = root + 1
        finish = self.finish[:rows].astype(np.float32)
        targets = self.target_offsets[:rows, None].astype(np.float32)
        lateness = np.maximum(finish - targets, 0)
        lateness[root] = np.maximum(finish[root] - deadline, 0)
        inherited = self.inherited[:rows]
        is_open = self.open[:rows]
        own = np.where(is_open[:, None], np.maximum(lateness - inherited, 0), lateness)
        on_chain = np.zeros(finish.shape, dtype=bool)
        on_chain[root] = late
        binding = self.binding[:rows]
        bound = binding >= 0  # where a row, not a floor, set the start: one sweep
        for r in np.flatnonzero(is_open)[::-1]:  # dependency order, backwards
            # (a done row ends the chain: only open rows pass it on)
            runs = np.flatnonzero(on_chain[r] & bound[r])
            on_chain[binding[r, runs], runs] = True
        parts = own * on_chain
        per_run = np.where(late, 1 / np.maximum(parts.sum(axis=0), 1), 0.0)
        shares = parts @ per_run / late_runs
        shares[~is_open] = 0
        return {self.rows[r]: float(shares[r]) for r in np.flatnonzero(shares)}

    # -- one milestone in every run -------------------------------------------------

    def _run(self, r: int, i: int, floor: int, calibration: Calibration | None) -> None:
        schedule = self.schedule
        m = schedule.graph.milestones[i]
        if m.is_done:
            projected = schedule.projected[i]
            assert projected is not None
            self.finish[r] = self.offset(projected)
            return
        self.open[r] = True
        pred_rows = [self.row_of[p] for p in schedule.graph.preds[i]]
        start: Floats | int
        if not pred_rows:
            start = self.offset(min(self._first_start(i), schedule.today))
        elif not any(self.open[p] for p in pred_rows):
            # Every predecessor is done: the step is running, from a known day.
            finishes = [int(self.finish[p, 0]) for p in pred_rows]
            start = max(finishes)
            before = pred_rows[finishes.index(start)]
            self.binding[r] = before
            self.inherited[r] = max(start - self.target_offsets[before], 0)
        elif len(pred_rows) == 1:
            start = self.finish[pred_rows[0]]
            self.binding[r] = pred_rows[0]
            self.inherited[r] = np.maximum(start - self.target_offsets[pred_rows[0]], 0)
        else:
            stacked = self.finish[pred_rows]
            latest = np.argmax(stacked, axis=0)  # the first in table order when tied
            start = stacked[latest, np.arange(SAMPLES)]
            before_each = np.asarray(pred_rows, dtype=np.int64)[latest]
            self.binding[r] = before_each
            self.inherited[r] = np.maximum(start - self.target_offsets[before_each], 0)
        duration = self._durations(m.id, m.lead_bd, start, floor, i, calibration)
        finish = start + duration
        lowest = floor
        if m.due is not None or i == schedule.graph.go_live:
            lowest = max(lowest, self.target[i])
        floored = finish < lowest
        self.finish[r] = np.maximum(finish, lowest)
        self.binding[r][floored] = -1
        self.inherited[r][floored] = 0

    def _buyer_pace(self, calibration: Calibration | None) -> Floats:
        """The logarithm of the buyer's pace in each run, given the plan's finished buyer
        and joint steps (a normal prior updated by normal observations)."""
        schedule = self.schedule
        precision = 1 / self.pace_sigma**2
        weighted = 0.0
        observed = duration_observations(schedule.plan, schedule.graph, self.calendar)
        for o in observed:
            # A first step's start is when the plan was written, not when its work began.
            if o.side is Side.SELLER or o.from_creation:
                continue
            ratio = ratio_distribution(o.category, o.side, o.lead_bd, calibration)
            own_variance = own_sigma(ratio.sigma, self.pace_sigma) ** 2
            precision += 1 / own_variance
            weighted += (math.log(o.ratio) - ratio.mu) / own_variance
        mean, spread = weighted / precision, 1 / math.sqrt(precision)
        pace: Floats = mean + spread * _strata_z()[_shuffle("buyer pace")]
        return pace

    def _first_start(self, i: int) -> date:
        """A step without predecessors started on its planned start (target less lead), or
        on ``created_on`` if that is earlier: a plan written mid-deal describes steps that
        were already under way, and one written early lets its first steps start early."""
        target = self.schedule.target[i]
        assert target is not None
        planned = self.calendar.sub_bd(target, self.schedule.graph.milestones[i].lead_bd)
        created = self.schedule.plan.created_on
        return planned if created is None else min(planned, created)

    def _durations(
        self,
        milestone_id: str,
        lead_bd: int,
        start: Floats | int,
        floor: int,
        i: int,
        calibration: Calibration | None,
    ) -> Floats:
        if lead_bd == 0:
            return np.zeros(SAMPLES)
        m = self.schedule.graph.milestones[i]
        ratio = ratio_distribution(m.category, m.side, lead_bd, calibration)
        mu: Floats | float = ratio.mu
        sigma = ratio.sigma
        if m.side is not Side.SELLER:
            mu = ratio.mu + self.pace
            sigma = own_sigma(ratio.sigma, self.pace_sigma)
        order = _shuffle(f"step:{milestone_id}")
        # Still open today: the step had not finished by the day before the floor, so its
        # duration (rounded to whole days) is at least ``floor - start``.
        gone = floor - start - 0.5 if isinstance(start, int) else -1.0
        if gone > 0:
            z = _normal_beyond((math.log(gone / lead_bd) - mu) / sigma, order)
        else:
            z = _strata_z()[order]
        days: Floats = lead_bd * np.exp(mu + sigma * z)
        whole: Floats = np.rint(days)
        return whole


def own_sigma(total_sigma: float, pace_sigma: float) -> float:
    """A buyer or joint step's own spread: its whole spread less the buyer's pace."""
    return math.sqrt(max(total_sigma**2 - pace_sigma**2, MIN_OWN_SIGMA**2))


def _ancestors(preds: Sequence[Sequence[int]], roots: list[int]) -> set[int]:
    seen = set(roots)
    stack = list(roots)
    while stack:
        for p in preds[stack.pop()]:
            if p not in seen:
                seen.add(p)
                stack.append(p)
    return seen


# -- random numbers -----------------------------------------------------------------

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)


@lru_cache(maxsize=4096)
def _shuffle(key: str) -> npt.NDArray[np.int16]:
    """A permutation of the strata, fixed by ``key`` (SplitMix64 keys, sorted)."""
    seed = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big")
    with np.errstate(over="ignore"):  # the mixing relies on 64-bit wrap-around
        x = np.uint64(seed) + _GOLDEN * np.arange(1, SAMPLES + 1, dtype=np.uint64)
        x = (x ^ (x >> np.uint64(30))) * _MIX_1
        x = (x ^ (x >> np.uint64(27))) * _MIX_2
        x ^= x >> np.uint64(31)
    return np.argsort(x, kind="stable").astype(np.int16)


@cache
def _log_tail_table() -> tuple[Floats, Floats]:
    """``ln P(Z > z)`` against z (ascending in the first array), for the inverse normal."""
    z = np.arange(_Z_LIMIT, -_Z_LIMIT - _Z_STEP / 2, -_Z_STEP)
    tail = np.array([0.5 * math.erfc(v / math.sqrt(2)) for v in z])
    return np.log(tail), z


@cache
def _log_tail_by_z() -> tuple[Floats, Floats]:
    """The same table with z ascending (for the tail of given z)."""
    log_tails, z = _log_tail_table()
    return np.ascontiguousarray(z[::-1]), np.ascontiguousarray(log_tails[::-1])


@cache
def _strata_log_tail() -> Floats:
    """``ln(1 - u)`` at the middle of each of the SAMPLES equal slices of (0, 1)."""
    return np.log((SAMPLES - np.arange(SAMPLES) - 0.5) / SAMPLES)


@cache
def _strata_z() -> Floats:
    log_tails, z = _log_tail_table()
    return np.interp(_strata_log_tail(), log_tails, z)


def _normal_beyond(z_gone: Floats | float, order: npt.NDArray[np.int16]) -> Floats:
    """Standard normal draws given that they exceed ``z_gone`` (one bound, or one per run),
    one per stratum, in ``order``.

    P(Z > z | Z > z_gone) = P(Z > z) / P(Z > z_gone), so the stratum with tail q maps to
    the z whose tail is q * P(Z > z_gone): on the log scale, a shift.
    """
    log_tails, z = _log_tail_table()
    if isinstance(z_gone, float):
        if z_gone > _Z_LIMIT - 1:
            return np.full(SAMPLES, z_gone)  # so far out that the step ends any day now
        # The strata are in order, so the table is searched in one sweep, then shuffled.
        shift = math.log(0.5 * math.erfc(z_gone / math.sqrt(2)))
        ordered: Floats = np.interp(_strata_log_tail() + shift, log_tails, z)
        return ordered[order]
    ascending_z, its_log_tails = _log_tail_by_z()
    shift_each = np.interp(np.minimum(z_gone, _Z_LIMIT - 1), ascending_z, its_log_tails)
    drawn = np.interp(_strata_log_tail()[order] + shift_each, log_tails, z)
    result: Floats = np.where(z_gone > _Z_LIMIT - 1, z_gone, drawn)
    return result
