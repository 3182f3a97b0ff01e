"""Relative lift in a ratio metric (CPA = cost / conversions, ROAS = value / cost).

A ratio of sums per arm, not a mean of per-campaign ratios: the account's CPA is its total
cost over its total conversions, so a campaign weighs by its volume. The lift is a
difference-in-differences of log ratios, each arm against its own pre-period,

    log(N_T / D_T) - log(Npre_T / Dpre_T) - [log(N_C / D_C) - log(Npre_C / Dpre_C)],

so arms whose CPA started unalike do not read as an effect.

A ratio is not linear in the units, so its spread comes from the delete-one-bucket
jackknife, as Google reports its experiments: campaigns are dealt into G buckets (a
holdout's pairs, or a switchback's campaigns, leave together), the statistic is recomputed
leaving out one bucket at a time, and t = estimate / jackknife se. With few, unequal
campaigns that se is itself noisy (a t table then gives 6-7 % false positives on some
accounts, 1 % on others; bench/experiments.py), so t is judged against the t of the splits
the design could have drawn instead: a studentized randomisation test, exact under no
effect whatever the campaigns look like, and the interval estimate ± critical · se.

Looks are judged against the same Lan-DeMets O'Brien-Fleming-type spending as the value
readout, each look's critical |t| taken from the re-drawn splits that had not crossed
before; the interval at the look where it stands is the repeated confidence interval.
"""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import stats

from experiments.stats.lift import Lift
from experiments.stats.sequential import SequentialReadout, boundaries, obrien_fleming_spent

BUCKETS = 20


@dataclass(frozen=True)
class RatioTotals:
    """Numerator and denominator per unit: pre-period (units,), and cumulative at each look
    taken (looks, units)."""

    pre_numerator: np.ndarray
    pre_denominator: np.ndarray
    numerators: np.ndarray
    denominators: np.ndarray

    def final(self) -> "RatioTotals":
        """The same totals at the last look only (a fixed-horizon readout)."""
        return RatioTotals(
            self.pre_numerator,
            self.pre_denominator,
            np.atleast_2d(self.numerators)[-1:],
            np.atleast_2d(self.denominators)[-1:],
        )


def deal_buckets(units: int, groups=None, *, buckets: int = BUCKETS, seed: int = 0) -> np.ndarray:
    """The bucket of each unit (0 … G-1) for the delete-one-bucket jackknife.

    `groups` says which units leave together: a holdout's pairs (so the jackknife sees
    the paired design), a switchback's campaign (its correlated periods). The dealing never
    looks at the arms, so every re-drawn split is judged with the same buckets."""
    groups = np.arange(units) if groups is None else np.asarray(groups)
    ids, group_of = np.unique(groups, return_inverse=True)
    g = int(min(buckets, ids.size))
    if g < 2:
        raise ValueError("the jackknife needs at least two buckets of campaigns")
    bucket_of = np.random.default_rng(seed).permutation(ids.size) % g
    return bucket_of[group_of]


def _check(totals: RatioTotals, arms: np.ndarray) -> None:
    parts = (totals.pre_numerator, totals.pre_denominator, totals.numerators, totals.denominators)
    if not all(np.all(np.isfinite(p)) for p in parts):
        raise ValueError("ratio totals must be numbers")
    if any(np.any(p < 0) for p in parts):
        raise ValueError("ratio totals cannot be negative")
    for arm in (arms, ~arms):
        if totals.pre_numerator[arm].sum() <= 0 or totals.pre_denominator[arm].sum() <= 0:
            raise ValueError("each arm needs a ratio in the pre-period (both totals above 0)")
        if np.any(totals.numerators[:, arm].sum(1) <= 0) or np.any(
            totals.denominators[:, arm].sum(1) <= 0
        ):
            raise ValueError("each arm needs a ratio at every look (both totals above 0)")


def _did(num_t, den_t, pre_num_t, pre_den_t, num_c, den_c, pre_num_c, pre_den_c):
    return (
        np.log(num_t / den_t)
        - np.log(pre_num_t / pre_den_t)
        - np.log(num_c / den_c)
        + np.log(pre_num_c / pre_den_c)
    )


def jackknife_ratio(totals: RatioTotals, arms, bucket_of) -> tuple[np.ndarray, np.ndarray]:
    """(log lift, jackknife standard error), each (splits, looks), for every split in `arms`
    ((splits, units) booleans, or one split): the statistic recomputed leaving out one
    bucket of campaigns at a time."""
    arms = np.atleast_2d(np.asarray(arms).astype(bool))
    bucket_of = np.asarray(bucket_of)
    g = int(bucket_of.max()) + 1
    indicator = (bucket_of[:, None] == np.arange(g)[None, :]).astype(float)  # (units, G)
    nums = np.atleast_2d(np.asarray(totals.numerators, float))
    dens = np.atleast_2d(np.asarray(totals.denominators, float))
    pre_num = np.asarray(totals.pre_numerator, float)
    pre_den = np.asarray(totals.pre_denominator, float)

    # Every total a bucket sum is needed of, as columns: each look's numerator and
    # denominator, then the pre-period's; one product per arm gives all bucket sums.
    columns = np.concatenate([nums, dens, pre_num[None], pre_den[None]]).T  # (units, V)
    weighted = (columns[:, :, None] * indicator[:, None, :]).reshape(columns.shape[0], -1)
    looks = nums.shape[0]
    parts = []
    for mask in (arms, ~arms):
        sums = (mask.astype(float) @ weighted).reshape(arms.shape[0], -1, g)  # (splits, V, G)
        whole = sums.sum(-1, keepdims=True)
        rest = whole - sums
        for block in (slice(0, looks), slice(looks, 2 * looks)):
            parts.append((whole[:, block, 0], rest[:, block]))
        for column in (2 * looks, 2 * looks + 1):
            parts.append((whole[:, column : column + 1, 0], rest[:, column : column + 1]))
    with np.errstate(divide="ignore", invalid="ignore"):
        full = _did(*(p[0] for p in parts))
        left_out = _did(*(p[1] for p in parts))  # (splits, looks, G)
        spread = ((left_out - left_out.mean(-1, keepdims=True)) ** 2).sum(-1)
    return full, np.sqrt((g - 1) / g * spread)


@lru_cache(maxsize=64)
def _spending(fractions: tuple, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Alpha to spend at each planned look, and the z boundaries (the fallback)."""
    spent = obrien_fleming_spent(np.asarray(fractions), alpha)
    return np.diff(np.concatenate([[0.0], spent])), boundaries(fractions, alpha)


def _studentized(estimate, se) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.abs(estimate) / se
    return np.where(np.isfinite(t), t, np.inf)  # a split the jackknife cannot judge: extreme


def critical_values(t_draws: np.ndarray, spend, fallback) -> np.ndarray:
    """Per look, the |t| a split must exceed: at most floor(spend·(R+1)) - 1 of the R
    re-drawn splits that had not crossed before go beyond it, so under no effect the chance
    of ever crossing is what the spending allows (the observed split counts as a draw).
    A look whose alpha is finer than the draws resolve uses `fallback`."""
    draws, looks = t_draws.shape
    critical = np.empty(looks)
    alive = np.ones(draws, dtype=bool)
    for k in range(looks):
        allowed = int(np.floor(spend[k] * (draws + 1))) - 1
        if allowed < 0:
            critical[k] = fallback[k]
        else:
            ranked = np.sort(t_draws[alive, k])[::-1]
            critical[k] = ranked[min(allowed, ranked.size - 1)]
        alive &= t_draws[:, k] <= critical[k]
    return critical


def sequential_ratio_lift(
    totals: RatioTotals,
    *,
    arms,
    fractions,
    assignments,
    alpha: float = 0.05,
    groups=None,
    buckets: int = BUCKETS,
    seed: int = 0,
) -> SequentialReadout:
    """Where a ratio-metric experiment stands after the looks taken so far.

    `totals` holds the looks taken (one row per look, cumulative); `fractions` all the
    planned looks' information fractions; `assignments` the splits the design could have
    drawn ((draws, units) booleans). The statistic is the jackknife t (the DiD log lift over
    its delete-one-bucket standard error); its critical value at each look comes from the
    re-drawn splits under the alpha-spending boundary, not from a t table: with few,
    unequal campaigns the jackknife's spread is itself noisy, and judging t against the
    design keeps the false-positive rate at alpha whatever the campaigns look like. The
    first look that crosses stops the test; the interval is estimate ± critical · se at the
    look it stands at (the repeated confidence interval)."""
    arms = np.asarray(arms).astype(bool)
    nums = np.atleast_2d(np.asarray(totals.numerators, float))
    dens = np.atleast_2d(np.asarray(totals.denominators, float))
    checked = RatioTotals(
        np.asarray(totals.pre_numerator, float),
        np.asarray(totals.pre_denominator, float),
        nums,
        dens,
    )
    if arms.sum() < 2 or (~arms).sum() < 2:
        raise ValueError("each arm needs at least two campaigns")
    _check(checked, arms)
    looks = nums.shape[0]
    fractions = tuple(float(f) for f in fractions)
    if looks > len(fractions):
        raise ValueError("more looks were taken than the plan has")
    bucket_of = deal_buckets(arms.size, groups, buckets=buckets, seed=seed)
    estimate, se = (x[0] for x in jackknife_ratio(checked, arms, bucket_of))
    if not np.all(np.isfinite(estimate)) or not np.all(np.isfinite(se)):
        raise ValueError("leaving out a bucket empties an arm: too few campaigns")
    draws_estimate, draws_se = jackknife_ratio(checked, np.asarray(assignments, bool), bucket_of)
    t_draws = _studentized(draws_estimate, draws_se)
    spend, z = _spending(fractions, float(alpha))
    fallback = stats.t.isf(stats.norm.sf(z), int(bucket_of.max()))
    critical = critical_values(t_draws, spend[:looks], fallback[:looks])
    t = _studentized(estimate, se)
    crossed = np.flatnonzero(t > critical)
    stopped = bool(crossed.size)
    look = int(crossed[0]) if stopped else looks - 1
    p = (1 + int((t_draws[:, look] >= t[look]).sum())) / (t_draws.shape[0] + 1)
    lift = Lift(
        estimate=float(np.expm1(estimate[look])),
        low=float(np.expm1(estimate[look] - critical[look] * se[look])),
        high=float(np.expm1(estimate[look] + critical[look] * se[look])),
        p_value=float(min(1.0, p)),
        se_log=float(se[look]),
        df=int(bucket_of.max()),
    )
    return SequentialReadout(look=look, stopped=stopped, lift=lift)


def ratio_lift(totals: RatioTotals, *, arms, assignments, alpha: float = 0.05, **kw) -> Lift:
    """The fixed-horizon readout: one look, the whole alpha."""
    return sequential_ratio_lift(
        totals, arms=arms, fractions=(1.0,), assignments=assignments, alpha=alpha, **kw
    ).lift
