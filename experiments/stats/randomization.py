"""Randomization inference for a holdout: judge the observed split against the splits the
design could have made instead.

A holdout's units are whole campaigns: few, and very unequal (one may hold a fifth of the
account's value). Formulas that treat them as a large sample from a population (the
jackknife over buckets, a t-interval) then give intervals that are too narrow. The
experiment's own randomisation is known exactly, though, so the readout re-draws it many
times (the same strata, the same arm sizes) and asks how unusual the observed lift is
among lifts that mere assignment produces. That is exact under the design whatever the
units look like. The interval is the set of lifts the test does not reject, assuming the
change multiplies every treated campaign's value by the same factor.

The statistic is the difference-in-differences of log totals,
log(post_T / pre_T) - log(post_C / pre_C): the lift in the account's total conversion value
(big campaigns weigh as much as they earn), with each arm against its own pre-period so
that an imbalance left by the split cancels.
"""

import numpy as np
from scipy import optimize


def rerandomize(arms, *, strata=None, draws: int = 2000, seed: int = 0) -> np.ndarray:
    """(draws, units) booleans: the arm labels permuted within each stratum, `draws` times.

    With the stratified design's pairs as strata this is the design itself (each pair
    split at random); a stratum of one keeps its label, which conditions on it and stays
    exact. Without strata the labels are permuted over all units (complete randomisation).
    """
    arms = np.asarray(arms).astype(bool)
    n = len(arms)
    if strata is None:
        strata = np.zeros(n, dtype=int)
    else:
        strata = np.unique(np.asarray(strata), return_inverse=True)[1]
    order = np.argsort(strata, kind="stable")
    rng = np.random.default_rng(seed)
    # Strata ids are consecutive integers and the jitter is below 1, so sorting keeps each
    # stratum's block in place and shuffles only inside it.
    keys = strata[order][None, :] + rng.random((draws, n))
    units = order[np.argsort(keys, axis=1)]
    result = np.empty((draws, n), dtype=bool)
    np.put_along_axis(result, units, np.broadcast_to(arms[order], (draws, n)), axis=1)
    return result


def design_splits(strata, *, draws: int = 2000, seed: int = 0) -> np.ndarray:
    """(draws, units) booleans: splits a pair design over `strata` could make, one per row.

    For planning and simulation, where there is no observed split to re-draw from: one
    unit of each stratum is treated, then the labels are shuffled within the strata.
    """
    strata = np.asarray(strata)
    first = np.zeros(strata.size, dtype=bool)
    first[np.unique(strata, return_index=True)[1]] = True
    return rerandomize(first, strata=strata, draws=draws, seed=seed)


class LiftReference:
    """The DiD log lift at each look, for the observed split and every re-drawn split.

    `posts` holds cumulative post-period totals per unit, one row per look (one row for a
    fixed-horizon readout). Under a hypothesised log lift h the treated units' post totals
    are divided by e^h; that is linear in the sums, so every draw's statistic at any h
    costs a few vector operations.
    """

    def __init__(self, *, pre, posts, arms, assignments):
        arms = np.asarray(arms).astype(bool)
        posts = np.atleast_2d(np.asarray(posts, dtype=float))
        pre = np.ones(arms.size) if pre is None else np.asarray(pre, dtype=float)
        _check_units(pre=pre, posts=posts, arms=arms)
        a = np.asarray(assignments, dtype=float)
        if a.ndim != 2 or a.shape[1] != arms.size:
            raise ValueError("the re-drawn assignments must have one column per campaign")
        self.draws = a.shape[0]
        self._pre_in, self._pre = a @ pre, pre.sum()
        self._pre_ratio = np.log((self._pre - self._pre_in) / self._pre_in)
        treated, held = posts * arms, posts * ~arms
        self._treated_in, self._held_in = a @ treated.T, a @ held.T  # (draws, looks)
        self._treated, self._held = treated.sum(axis=1), held.sum(axis=1)  # (looks,)
        self.observed = np.log(self._treated / pre[arms].sum()) - np.log(
            self._held / pre[~arms].sum()
        )

    def draws_at(self, log_lift: float, looks: int | None = None) -> np.ndarray:
        """(draws, looks): each re-drawn split's statistic if the true log lift were h."""
        shrink = np.exp(-log_lift)
        treated_in, held_in = self._treated_in[:, :looks], self._held_in[:, :looks]
        inside = treated_in * shrink + held_in
        outside = (self._treated[:looks] - treated_in) * shrink + (self._held[:looks] - held_in)
        return np.log(inside / outside) + self._pre_ratio[:, None]


def reference_for(
    *, pre, posts, arms, strata=None, draws: int = 2000, seed: int = 0, assignments=None
) -> LiftReference:
    """The reference for a readout: re-drawn within `strata` unless `assignments` are given."""
    if assignments is None:
        assignments = rerandomize(arms, strata=strata, draws=draws, seed=seed)
    return LiftReference(pre=pre, posts=posts, arms=arms, assignments=assignments)


def _check_units(*, pre, posts, arms):
    if arms.sum() < 2 or (~arms).sum() < 2:
        raise ValueError("each arm needs at least two campaigns")
    if posts.shape[1] != arms.size or pre.shape != arms.shape:
        raise ValueError("pre- and post-period totals need one value per campaign")
    if not (np.all(np.isfinite(pre)) and np.all(np.isfinite(posts))):
        raise ValueError("conversion value totals must be numbers")
    if np.any(pre < 0) or np.any(posts < 0):
        raise ValueError("conversion value totals cannot be negative")
    if pre[arms].sum() <= 0 or pre[~arms].sum() <= 0:
        raise ValueError("each arm needs some conversion value in the pre-period")
    if np.any(posts[:, arms].sum(axis=1) <= 0) or np.any(posts[:, ~arms].sum(axis=1) <= 0):
        raise ValueError("each arm needs some conversion value in the experiment period")


def look_boundaries(reference: LiftReference, log_lift: float, spend, fallback_z=None):
    """Per look, if the true log lift were h: (lower, upper, observed), three arrays.

    A look rejects h when the observed statistic falls outside [lower, upper]. Each bound
    is an order statistic of the re-drawn statistics that had not crossed at an earlier
    look, half the look's alpha in each tail: at most floor(spend / 2 * (draws + 1)) - 1 of
    them may lie beyond it (the observed split counts as one of the draws). So the chance
    of ever rejecting a true h is what the spending function allows, for the joint
    distribution of the looks the design really produces — no normal approximation.
    (Equal tails, not distance from the centre: a split's mirror image, every pair flipped,
    has exactly the opposite statistic, and would tie with it in distance.) When a look's
    alpha is finer than the draws can resolve (an early O'Brien-Fleming look) it uses
    `fallback_z`, the normal-theory boundary, on the draws' spread.
    """
    spend = np.atleast_1d(spend)
    looks = spend.size
    stats = reference.draws_at(log_lift, looks=looks)
    observed = reference.observed[:looks] - log_lift
    lower, upper = np.empty(looks), np.empty(looks)
    alive = np.ones(reference.draws, dtype=bool)
    for k, alpha in enumerate(spend):
        allowed = int(np.floor(alpha / 2 * (reference.draws + 1))) - 1
        candidates = stats[alive, k]
        if allowed < 0:
            spread = np.inf if fallback_z is None else fallback_z[k] * stats[:, k].std()
            lower[k], upper[k] = stats[:, k].mean() - spread, stats[:, k].mean() + spread
        else:
            ranked = np.partition(candidates, [allowed, candidates.size - 1 - allowed])
            lower[k], upper[k] = ranked[allowed], ranked[candidates.size - 1 - allowed]
        alive &= (stats[:, k] >= lower[k]) & (stats[:, k] <= upper[k])
    return lower, upper, observed


def p_value_at(reference: LiftReference, log_lift: float, look: int) -> float:
    """The plain two-sided randomisation p-value of one look (twice the smaller tail)."""
    stats = reference.draws_at(log_lift, looks=look + 1)[:, look]
    observed = reference.observed[look] - log_lift
    tail = min((stats >= observed).sum(), (stats <= observed).sum())
    return min(1.0, 2 * (1 + int(tail)) / (reference.draws + 1))


def inverted_interval(reference: LiftReference, spend, fallback_z=None, *, tolerance=1e-6):
    """The log lifts the last look does not reject: (low, high), ±inf if unbounded.

    The low end is where the observed statistic meets the upper bound (lower h, higher
    observed), the high end where it meets the lower one. The draws move only a little
    with h, so each end lies near the estimate ∓ its distance to the bound: step out from
    the estimate to bracket it and let Brent's method close in.
    """
    look = np.atleast_1d(spend).size - 1
    estimate = float(reference.observed[look])

    def room(h, side):
        lower, upper, observed = look_boundaries(reference, h, spend, fallback_z)
        return upper[look] - observed[look] if side < 0 else observed[look] - lower[look]

    ends = []
    for side in (-1.0, 1.0):
        reach = room(estimate, side)
        if not np.isfinite(reach):
            ends.append(side * np.inf)
            continue
        # Small steps, so that the stretch found is the one around the estimate.
        step = side * max(reach, 1e-9) / 2
        inside, outside = estimate, estimate + step
        for _ in range(60):
            if room(outside, side) <= 0:
                break
            inside, outside = outside, outside + step
        else:
            ends.append(side * np.inf)
            continue
        ends.append(
            float(optimize.brentq(room, inside, outside, args=(side,), xtol=tolerance, rtol=1e-10))
        )
    return ends[0], ends[1]
