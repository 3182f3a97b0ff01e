"""Group-sequential boundaries from an O'Brien-Fleming-type Lan-DeMets alpha-spending function.

Looking at an experiment every week and stopping at the first p < 0.05 inflates the false
positive rate well above 5 %. Spending alpha as an O'Brien-Fleming-like function over the
information fraction t keeps the overall two-sided error at alpha however the looks fall;
early looks get very strict boundaries. The boundaries are found by recursive numerical
integration of the Brownian motion the z statistic follows (Armitage, McPherson and Rowe).

`sequential_lift` applies that spending to the randomisation readout: each look's
critical value comes from the joint distribution of the looks under the re-drawn splits,
so the error rate holds for the statistic the console shows, not for a normal stand-in.
"""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import optimize, stats

from experiments.stats.lift import Lift, lift_at_look
from experiments.stats.randomization import LiftReference, look_boundaries, reference_for


def obrien_fleming_spent(t: np.ndarray | float, alpha: float = 0.05) -> np.ndarray:
    """Cumulative two-sided alpha spent at information fraction t (Lan-DeMets OBF-type).

    Each side spends alpha/2 with the one-sided function 2 - 2 Phi(z_{alpha/4} / sqrt(t)),
    the convention of ldbounds and of DeMets and Lan's published tables.
    """
    t = np.clip(np.asarray(t, dtype=float), 1e-12, 1.0)
    return 2 * (2 - 2 * stats.norm.cdf(stats.norm.ppf(1 - alpha / 4) / np.sqrt(t)))


def boundaries(fractions, alpha: float = 0.05, grid: int = 1601) -> np.ndarray:
    """Two-sided z boundaries, one per look at the given increasing information fractions."""
    fractions = np.asarray(fractions, dtype=float)
    if np.any(np.diff(fractions) <= 0) or fractions[0] <= 0 or fractions[-1] > 1:
        raise ValueError("information fractions must increase within (0, 1]")
    spent = obrien_fleming_spent(fractions, alpha)
    to_spend = np.diff(np.concatenate([[0.0], spent]))
    result = []
    # Sub-density of B(t) = Z * sqrt(t) on the continuation region, on a grid.
    x = density = None
    prev_t = 0.0
    for t, a in zip(fractions, to_spend, strict=True):
        sd = np.sqrt(t - prev_t)
        if density is None:

            def crossing(b, sd=sd):
                return 2 * stats.norm.sf(b / sd)

        else:

            def crossing(b, sd=sd, x=x, density=density):
                p = stats.norm.sf((b - x) / sd) + stats.norm.cdf((-b - x) / sd)
                return np.trapezoid(density * p, x)

        hi = 12 * np.sqrt(t)
        b = optimize.brentq(lambda b, a=a: crossing(b) - a, 1e-6, hi) if a > 1e-15 else hi
        y = np.linspace(-b, b, grid)
        if density is None:
            new = stats.norm.pdf(y / sd) / sd
        else:
            kernel = stats.norm.pdf((y[:, None] - x[None, :]) / sd) / sd
            new = np.trapezoid(kernel * density[None, :], x, axis=1)
        x, density, prev_t = y, new, t
        result.append(b / np.sqrt(t))
    return np.array(result)


def nominal_alpha(z_boundary: float) -> float:
    """The two-sided p-value a look must beat, for a test whose statistic is not a z."""
    return float(2 * stats.norm.sf(z_boundary))


@dataclass(frozen=True)
class SequentialReadout:
    look: int  # 0-based index of the look the readout stands at
    stopped: bool  # the boundary was crossed at this look: the lift is significant
    lift: Lift  # estimate, repeated confidence interval (valid at every look), look p-value


def sequential_lift(
    *,
    pre,
    posts,
    arms,
    fractions,
    strata=None,
    alpha: float = 0.05,
    draws: int = 2000,
    seed: int = 0,
    assignments=None,
) -> SequentialReadout:
    """Where an experiment looked at several times stands: stopped at a look, or still running.

    `posts` holds each campaign's cumulative post-period conversion value at every look
    taken so far (one row per look); `fractions` the information fractions planned for all
    looks (0.25, 0.5, 0.75, 1 for four weekly looks at a four-week test). The looks are
    read in order and the first that crosses the O'Brien-Fleming-type boundary stops the
    experiment. The interval is the repeated confidence interval at that look (or at the
    latest look): it covers the true lift at every look at once, so reading it early is safe.
    """
    fractions = tuple(float(f) for f in fractions)
    reference = reference_for(
        pre=pre,
        posts=posts,
        arms=arms,
        strata=strata,
        draws=draws,
        seed=seed,
        assignments=assignments,
    )
    stopped, look = sequential_stop(reference, fractions, alpha)
    spend, fallback = _spending(fractions, alpha)
    return SequentialReadout(
        look=look, stopped=stopped, lift=lift_at_look(reference, spend[: look + 1], fallback)
    )


@lru_cache(maxsize=64)
def _spending(fractions: tuple, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Alpha to spend at each planned look, and the normal-theory boundaries as a fallback."""
    spent = obrien_fleming_spent(np.asarray(fractions), alpha)
    return np.diff(np.concatenate([[0.0], spent])), boundaries(fractions, alpha)


def sequential_stop(reference: LiftReference, fractions, alpha: float = 0.05) -> tuple[bool, int]:
    """(stopped, look): the first look whose boundary the no-lift hypothesis crosses, if any.

    The looks held are the reference's; `fractions` are the planned ones, all of them.
    """
    fractions = tuple(float(f) for f in fractions)
    looks = reference.observed.size
    if looks > len(fractions):
        raise ValueError("more looks were taken than the plan has")
    spend, fallback = _spending(fractions, alpha)
    lower, upper, observed = look_boundaries(reference, 0.0, spend[:looks], fallback)
    crossed = np.flatnonzero((observed < lower) | (observed > upper))
    if crossed.size:
        return True, int(crossed[0])
    return False, looks - 1
