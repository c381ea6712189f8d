"""How long a step takes compared with its plan, before any history of our own: the priors.

A step's duration (business days from its predecessors' finish to its own) is its planned
``lead_bd`` times a ratio whose logarithm is normal (a lognormal ratio: never negative,
skewed to the right, a long tail of steps that run far over). :func:`prior_ratio` gives that
distribution for a step's category, side and lead; docs/engine.md says where each number
comes from and what it assumes.

The buyer's paper steps (security, legal, procurement) take what the published figures say
they take, whatever the plan says: their median ratio is the published median over the lead
the shipped templates plan for the same step, and never puts the step's median below the
low end of the published range, so a plan that allows five business days for a legal
review is forecast as if it allowed ten. Seller-side steps run close to plan: the seller
controls them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from service.domain.model import Category, Side


@dataclass(frozen=True, slots=True)
class LogNormal:
    """``ln(ratio)`` is normal with mean ``mu`` and standard deviation ``sigma``."""

    mu: float
    sigma: float

    @property
    def median(self) -> float:
        return math.exp(self.mu)


@dataclass(frozen=True, slots=True)
class PaperPrior:
    """A buyer paper step: its median ratio to the templates' lead, the spread of the
    ratio's logarithm, and the fewest business days its median may be."""

    median_ratio: float
    sigma: float
    floor_bd: float


# z of the 75th percentile: a published range read as the middle half of the outcomes
# spans 2 x 0.674 standard deviations.
_MIDDLE_HALF_Z = 2 * 0.6745
# z of the 90th percentile.
_P90_Z = 1.2816

PAPER_PRIORS: dict[Category, PaperPrior] = {
    # Security questionnaire 3-6 weeks (15-30 business days) against 15 planned; the range
    # read as the middle half of reviews.
    Category.SECURITY: PaperPrior(
        median_ratio=math.sqrt(15 * 30) / 15,
        sigma=math.log(30 / 15) / _MIDDLE_HALF_Z,
        floor_bd=15,
    ),
    # Legal review median 14-28 business days against 15 planned, DPA 2-3 weeks (10-15)
    # against 10: both about 1.3 times the plan; no legal step takes under the DPA's 10.
    Category.LEGAL: PaperPrior(
        median_ratio=math.sqrt(14 * 28) / 15,
        sigma=math.log(28 / 14) / _MIDDLE_HALF_Z,
        floor_bd=10,
    ),
    # Procurement 2-4 weeks (10-20) against 15 planned, 6-8 weeks (30-40) when complex:
    # the complex case put at the 90th percentile, 35 business days.
    Category.PROCUREMENT: PaperPrior(
        median_ratio=math.sqrt(10 * 20) / 15,
        sigma=math.log(35 / math.sqrt(10 * 20)) / _P90_Z,
        floor_bd=10,
    ),
}
PAPER_CATEGORIES = frozenset(PAPER_PRIORS)

# No published figure: a budget approval is assumed to run like the buyer's other steps,
# with the procurement's spread (both wait on a committee's calendar).
FINANCE_PRIOR = LogNormal(mu=math.log(1.2), sigma=PAPER_PRIORS[Category.PROCUREMENT].sigma)
# Assumed: the buyer's own steps that are not paper run somewhat late, with a wide spread.
BUYER_PRIOR = LogNormal(mu=math.log(1.15), sigma=0.45)
# Assumed: shared steps sit between the two sides.
JOINT_PRIOR = LogNormal(mu=math.log(1.1), sigma=0.35)
# The contract: seller-side steps run near plan.
SELLER_PRIOR = LogNormal(mu=0.0, sigma=0.25)
# Assumed: how much buyers differ in pace (the spread of the logarithm of a factor shared by
# one plan's buyer and joint steps). Part of each buyer or joint step's spread above, not
# added to it: a step's own spread is what is left.
BUYER_PACE_SIGMA = 0.2


def prior_ratio(category: Category, side: Side, lead_bd: int) -> LogNormal:
    """The ratio of actual to planned duration of a step, before any calibration."""
    if side is Side.SELLER:
        return SELLER_PRIOR
    paper = PAPER_PRIORS.get(category)
    if paper is not None:
        # The buyer's lawyers, security team or procurement set the pace of a joint step too.
        median = paper.median_ratio
        if lead_bd > 0:
            median = max(median, paper.floor_bd / lead_bd)
        return LogNormal(mu=math.log(median), sigma=paper.sigma)
    if category is Category.FINANCE:
        return FINANCE_PRIOR
    return BUYER_PRIOR if side is Side.BUYER else JOINT_PRIOR
