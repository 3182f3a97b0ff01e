"""Budget allocation across a portfolio: equal marginal returns under hard bounds.

The problem, per budget pool::

    maximise Σ value_i(b_i)   subject to   lower_i ≤ b_i ≤ upper_i,   Σ b_i = total

with concave value_i (see `optimizer.response`). Its KKT conditions say every campaign
strictly inside its bounds has the same marginal return λ, campaigns at their upper
bound have a marginal ≥ λ and campaigns at their lower bound ≤ λ. So
``b_i(λ) = clip(budget_at_marginal_i(λ), lower_i, upper_i)`` and λ is the one value at
which they add up to the total: Σ b_i(λ) is continuous and non-increasing in λ, and
bisection on log λ finds it (water-filling) in ~100 vectorised passes, whatever N is.

The bounds are hard. Nothing is ever "scaled back afterwards" (scaling all budgets by
0.98 to restore the total, as the seed sketched, pushes a campaign at its floor below
it, and scaling up pushes one at +30 % past its cap): the total is met *inside* the
bounds, or, if the bounds cannot hold it, nothing changes and the reason says which
bounds are in the way. Integer minor units come from `money.largest_remainder`, so the
total is exact to the unit and no rounding leaves a bound.

Changes smaller than `min_change_pct` are not worth a recommendation: those campaigns
are held at their current budget and the rest re-solved, so the total still holds.
Finally, a result whose expected value (under the fitted curves) is below that of the
current budgets is never returned when the current budgets are themselves feasible.
"""

from dataclasses import dataclass

import numpy as np

from optimizer.money import exact_sum, format_minor, largest_remainder
from optimizer.response import ResponseFit

# Upper bound meaning "no limit", in minor units.
UNSET = np.iinfo(np.int64).max
# Budgets above this many minor units are refused: it keeps the integer bound
# arithmetic (current × 10,000 basis points) inside int64.
MAX_BUDGET_MINOR = 10**14
_BISECTION_STEPS = 200
_MAX_SNAP_ROUNDS = 20


@dataclass(frozen=True, eq=False)  # arrays: compare fields explicitly
class Allocation:
    """The allocator's answer for one budget pool (arrays in the order of its input)."""

    budgets: np.ndarray  # int64 minor units; == current when infeasible
    current: np.ndarray  # int64 minor units, as given
    feasible: bool
    reason: str  # in words, for the recommendation and the admin
    expected_value_before: np.ndarray  # per campaign, from the curve, account currency/day
    expected_value_after: np.ndarray
    marginal_after: np.ndarray  # marginal ROAS at the new budget (inf at a zero budget)
    lam: float  # the common marginal ROAS of campaigns inside their bounds (nan: none)

    @property
    def changed(self) -> np.ndarray:
        """Campaigns whose budget the allocation changes."""
        return self.budgets != self.current


def budget_bounds(
    current: np.ndarray,
    *,
    max_increase_pct: float | np.ndarray,
    max_decrease_pct: float | np.ndarray,
    floor: int | np.ndarray = 0,
    max_daily_spend: np.ndarray | None = None,
    fixed: np.ndarray | None = None,
    demand_capped: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Each campaign's allowed budget range (lower, upper) in int64 minor units.

    ``upper = min(floor(current·(1 + inc)), max_daily_spend)`` (`UNSET` = no limit) and
    ``lower = max(ceil(current·(1 − dec)), floor)``, with percentages resolved to basis
    points and the rounding always toward the inside of the range. A demand-capped
    campaign gets ``upper ≤ current`` (more budget buys nothing); a fixed one (pinned,
    cooling down, paused) gets ``lower = upper = current``.

    When a campaign's own limits contradict each other, the limits on spending win —
    "never spend money it was not allowed to spend" comes first:

    * current above `max_daily_spend`: the budget must come down to the limit, even
      beyond the max decrease, and even when the campaign is fixed (a pin protects it
      from the optimiser, not from the spend limit);
    * current below the floor and the increase cap cannot reach it: the campaign is
      raised to its cap, not to the floor; a zero budget therefore stays zero (the
      allocator never restarts a campaign, that is a separate decision);
    * floor above `max_daily_spend`: the spend limit is the budget.

    In every case lower ≤ upper. A campaign forced to move (above its spend limit) must
    be absorbed by the pool's total; if it cannot be, `allocate_budgets` reports the pool
    infeasible and changes nothing, and the spend-limit guardrail deals with it.
    """
    current = _as_minor_array(current, "current")
    if np.any(current > MAX_BUDGET_MINOR):
        raise ValueError(f"a current budget exceeds {MAX_BUDGET_MINOR} minor units")
    n = current.shape[0]
    inc = _basis_points(max_increase_pct, n, "max_increase_pct", upper_limit=None)
    dec = _basis_points(max_decrease_pct, n, "max_decrease_pct", upper_limit=10_000)
    floor_arr = np.broadcast_to(np.asarray(floor, dtype=np.int64), (n,))
    limit = _spend_limit(max_daily_spend, n)

    raised = current * (10_000 + inc) // 10_000  # floor: never above the cap
    lowered = -((-current * (10_000 - dec)) // 10_000)  # ceil: never below the cut
    upper = np.minimum(raised, limit)
    lower = np.maximum(lowered, floor_arr)
    if demand_capped is not None:
        capped = _mask(demand_capped, n, "demand_capped")
        upper = np.where(capped, np.minimum(upper, current), upper)
    if fixed is not None:
        fixed_mask = _mask(fixed, n, "fixed")
        lower = np.where(fixed_mask, current, lower)
        upper = np.where(fixed_mask, current, upper)
    upper = np.minimum(upper, limit)
    lower = np.minimum(lower, upper)
    return lower.astype(np.int64), upper.astype(np.int64)


def allocate_budgets(
    *,
    current: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    curve: ResponseFit,
    total: int | None = None,
    min_change_pct: float = 2.0,
    exponent: int = 2,
    currency_symbol: str = "",
) -> Allocation:
    """Budgets in minor units that maximise expected value within the bounds, summing to total.

    `current`, `lower`, `upper` are int64 minor units (N,); `curve` holds N fitted
    curves in the account currency (so 10**exponent minor units = 1 curve unit). `total`
    defaults to the current total. Fixed campaigns are given as lower == upper.
    Infeasible bounds (their minimums exceed the total, or their maximums fall short)
    return the current budgets unchanged with ``feasible=False`` and the reason. Raises
    ValueError on caller errors: mismatched lengths, negative budgets, lower > upper.
    """
    current = _as_minor_array(current, "current")
    lower = _as_minor_array(lower, "lower")
    upper = _as_minor_array(upper, "upper")
    n = current.shape[0]
    if not (lower.shape == upper.shape == (n,)) or len(curve) != n:
        raise ValueError(
            f"current, lower, upper and curve must have one entry per campaign; got lengths "
            f"{n}, {lower.shape[0]}, {upper.shape[0]}, {len(curve)}"
        )
    bad = np.flatnonzero(lower > upper)
    if bad.size:
        i = int(bad[0])
        raise ValueError(
            f"campaign index {i} has lower bound {lower[i]} above its upper bound {upper[i]} "
            f"({bad.size} campaign(s) in all)"
        )
    if min_change_pct < 0:
        raise ValueError("min_change_pct must not be negative")
    total = exact_sum(current) if total is None else int(total)
    unit = float(10**exponent)

    def money(minor: int) -> str:
        return format_minor(minor, exponent, currency_symbol)

    before = curve.value(current / unit)

    def unchanged(feasible: bool, reason: str) -> Allocation:
        return Allocation(
            budgets=current.copy(),
            current=current,
            feasible=feasible,
            reason=reason,
            expected_value_before=before,
            expected_value_after=before.copy(),
            marginal_after=curve.marginal(current / unit),
            lam=float("nan"),
        )

    min_total, max_total = exact_sum(lower), exact_sum(upper)
    if min_total > total:
        fixed = lower == upper
        return unchanged(
            False,
            f"The minimum budgets of {int((lower > 0).sum())} campaign(s) "
            f"({int(fixed.sum())} of them fixed) add up to {money(min_total)}, "
            f"{money(min_total - total)} more than the portfolio total of {money(total)}; "
            "no budget was changed.",
        )
    if max_total < total:
        return unchanged(
            False,
            f"The maximum budgets of the {n} campaign(s) (increase caps, spend limits, "
            f"demand caps and fixed budgets) add up to {money(max_total)}, "
            f"{money(total - max_total)} less than the portfolio total of {money(total)}; "
            "no cap may be broken to make the total fit, so no budget was changed.",
        )
    if n == 0:
        return unchanged(True, "There are no campaigns to allocate.")

    lo, hi = lower, upper
    ideal, lam = _water_fill(curve, lo, hi, total, unit, current)
    # Hold campaigns whose change is too small to recommend, then re-solve the rest.
    movable = (current >= lower) & (current <= upper) & (lower < upper)
    held = np.zeros(n, dtype=bool)
    for _ in range(_MAX_SNAP_ROUNDS):
        small = movable & ~held & (np.abs(ideal - current) < min_change_pct / 100.0 * current)
        holdable = _holdable(np.flatnonzero(small), ideal, current, lo, hi, total)
        if holdable.size == 0:
            break  # nothing small left, or the rest could not absorb the total
        held = held.copy()
        held[holdable] = True
        lo = np.where(held, current, lower)
        hi = np.where(held, current, upper)
        ideal, lam = _water_fill(curve, lo, hi, total, unit, current)

    budgets = largest_remainder(total, ideal, lo, hi)
    after = curve.value(budgets / unit)
    within = (current >= lower) & (current <= upper)
    current_feasible = bool(within.all()) and exact_sum(current) == total
    if current_feasible and after.sum() < before.sum() and np.any(budgets != current):
        return unchanged(
            True,
            "No allocation within the bounds is expected to beat the current budgets; "
            "no budget was changed.",
        )
    return Allocation(
        budgets=budgets,
        current=current,
        feasible=True,
        reason=_describe(current, budgets, before, after, total, min_change_pct, money, unit),
        expected_value_before=before,
        expected_value_after=after,
        marginal_after=curve.marginal(budgets / unit),
        lam=lam,
    )


def _holdable(candidates, ideal, current, lo, hi, total):
    """The small changes that can be held at current while the rest still hold the total.

    Smallest relative change first. Holding a campaign raises the pool's minimum and
    lowers its maximum, so one that cannot be held on top of those already held stays
    unholdable for the rest of the round; it is skipped, not the end of the search. (It
    was the end once, and then a below-minimum change that could have been held
    survived behind a campaign the total really needed, whose room was larger.)
    """
    if candidates.size == 0:
        return candidates
    relative = np.abs(ideal - current)[candidates] / current[candidates]
    order = candidates[np.argsort(relative, kind="stable")]
    min_total, max_total = exact_sum(lo), exact_sum(hi)
    held = []
    rises, falls = (current - lo)[order].tolist(), (hi - current)[order].tolist()
    for index, rise, fall in zip(order.tolist(), rises, falls, strict=True):
        if min_total + rise <= total <= max_total - fall:
            min_total, max_total = min_total + rise, max_total - fall
            held.append(index)
    return np.array(held, dtype=np.intp)


def _water_fill(curve, lower, upper, total, unit, current):
    """Continuous KKT solution in minor-unit floats summing to `total`, and its λ."""
    lo = lower.astype(np.float64)
    hi = np.where(upper == UNSET, np.inf, upper.astype(np.float64))
    target = float(total)
    if target <= lo.sum():
        return lo, float("nan")  # everyone at the minimum: no common marginal

    def spend_at(log_lam):
        return np.clip(curve.budget_at_log_marginal(log_lam) * unit, lo, hi)

    x_free = spend_at(-np.inf)  # λ → 0: every campaign takes all it can still use
    if x_free.sum() <= target:
        # Even at zero marginal return the curves cannot use the total (demand caps,
        # worthless campaigns). The surplus earns nothing wherever it goes, so it goes
        # back toward current budgets first, then wherever there is room.
        toward = np.maximum(np.clip(current.astype(np.float64), lo, hi) - x_free, 0.0)
        need = target - x_free.sum()
        if need <= 0:
            return x_free, 0.0
        if toward.sum() >= need:
            return x_free + toward * (need / toward.sum()), 0.0
        return _repair(x_free + toward, lo, hi, target), 0.0

    # Bracket log λ: spend_at is continuous and non-increasing in it.
    low, high = -1.0, 1.0
    while spend_at(low).sum() < target and low > -1e6:
        low = 2.0 * low - 1.0
    while spend_at(high).sum() > target and high < 1e6:
        high = 2.0 * high + 1.0
    for _ in range(_BISECTION_STEPS):
        mid = 0.5 * (low + high)
        if mid in (low, high):
            break
        if spend_at(mid).sum() >= target:
            low = mid
        else:
            high = mid
    x = spend_at(low)
    return _repair(x, lo, hi, target), float(np.exp(low))


def _repair(x, lo, hi, target):
    """Close a small gap to the target inside the bounds, in proportion to the room left."""
    gap = target - x.sum()
    if gap == 0:
        return x
    room = hi - x if gap > 0 else x - lo
    take = np.minimum(room, abs(gap))
    available = take.sum()
    if available <= 0:
        return x
    step = take * min(1.0, abs(gap) / available)
    return np.clip(x + np.sign(gap) * step, lo, hi)


def _describe(current, budgets, before, after, total, min_change_pct, money, unit):
    delta = budgets - current
    up, down = delta > 0, delta < 0
    if not (up.any() or down.any()):
        return (
            "Every campaign is already at its best budget within its bounds "
            f"(or less than {min_change_pct:g} % away); no budget was changed."
        )
    gain = float(after.sum() - before.sum())
    base = float(before.sum())
    pct = f" ({gain / base * 100:+.1f} %)" if base > 0 else ""
    moved = exact_sum(delta[down])
    if exact_sum(current) == total:
        what = (
            f"Moved {money(-moved)} from {int(down.sum())} campaign(s) "
            f"to {int(up.sum())} campaign(s)"
        )
    else:
        what = (
            f"Raised {int(up.sum())} and lowered {int(down.sum())} campaign(s) to a total of "
            f"{money(total)}"
        )
    sign = "+" if gain >= 0 else "-"
    amount = money(round(abs(gain) * unit))
    return f"{what}, toward the highest marginal return; expected value {sign}{amount} a day{pct}."


def _as_minor_array(values, name: str) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(values))
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-d array of minor units")
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise ValueError(f"{name} must be whole minor units")
    elif arr.dtype.kind not in "iu":
        raise ValueError(f"{name} must be integer minor units, got dtype {arr.dtype}")
    arr = arr.astype(np.int64)
    negative = np.flatnonzero(arr < 0)
    if negative.size:
        raise ValueError(f"{name} is negative at campaign index {int(negative[0])}")
    return arr


def _basis_points(pct, n: int, name: str, upper_limit: int | None) -> np.ndarray:
    bp = np.rint(np.broadcast_to(np.asarray(pct, dtype=np.float64), (n,)) * 100.0)
    if not np.all(np.isfinite(bp)) or np.any(bp < 0):
        raise ValueError(f"{name} must be a non-negative percentage")
    if upper_limit is not None and np.any(bp > upper_limit):
        raise ValueError(f"{name} must not exceed 100")
    return bp.astype(np.int64)


def _spend_limit(max_daily_spend, n: int) -> np.ndarray:
    if max_daily_spend is None:
        return np.full(n, UNSET, dtype=np.int64)
    limit = np.broadcast_to(np.asarray(max_daily_spend), (n,))
    if limit.dtype.kind == "f":
        unset = ~np.isfinite(limit) | (limit >= float(UNSET))
        limit = np.where(unset, 0.0, limit)
        if np.any(limit != np.round(limit)):
            raise ValueError("max_daily_spend must be whole minor units")
        limit = np.where(unset, UNSET, limit.astype(np.int64))
    limit = limit.astype(np.int64)
    if np.any(limit < 0):
        raise ValueError("max_daily_spend must not be negative")
    return limit


def _mask(values, n: int, name: str) -> np.ndarray:
    mask = np.asarray(values, dtype=bool)
    if mask.shape != (n,):
        raise ValueError(f"{name} must have one entry per campaign")
    return mask
