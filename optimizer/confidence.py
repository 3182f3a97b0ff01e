"""How sure Spectra is that a change pays: a probability a person can check.

A budget change is worth making when the conversion value it adds (or, for a cut,
gives up) beats what the same money brings at the pool's margin — the allocator's λ,
the return of the last unit of budget anywhere else in the pool::

    gain = value(proposed) − value(current) − λ · (proposed − current)

`value` is the campaign's fitted curve, ``V · (min(b, cap) / min(b₀, cap))^β`` anchored
at V, the expected value at the current budget b₀. Both of its parameters are uncertain,
and the fit says by how much: the elasticity β ~ N(β̂, sd_β²) (clipped to the family's
bounds) and the level log V ~ N(log V̂, sd_level²). The level is anchored where the
campaign's data is (its average spend, which is the current budget of a campaign held
steady), so the two are close to independent. The confidence is P(gain > 0) under them.

For a given β the gain is linear in V, so P(gain > 0 | β) is a normal CDF in log V; the
remaining integral over β is a Gauss–Hermite sum (deterministic, no sampling). λ is
taken as known: it is the pool's margin, set by every other campaign's fit at once.

The bid step compares an ad group's recent ROAS with its target; its confidence is the
probability that the true ROAS is on the side of the target the step assumes, from the
sampling error of the seven-day ROAS (`bid_confidence`).
"""

import numpy as np
from numpy.polynomial.hermite_e import hermegauss
from scipy.stats import norm, t

from optimizer.response import DEFAULT_BETA_BOUNDS

# 32 nodes integrate a normal CDF of a smooth function of β to well under 0.1 %.
_NODES, _WEIGHTS = hermegauss(32)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()
_TINY = 1e-12


def budget_confidence(
    *,
    current: np.ndarray,
    proposed: np.ndarray,
    value_now: np.ndarray,
    elasticity: np.ndarray,
    elasticity_sd: np.ndarray,
    level_sd: np.ndarray,
    margin: np.ndarray | float,
    spend_cap: np.ndarray | float = np.inf,
    beta_bounds: tuple[float, float] = DEFAULT_BETA_BOUNDS,
) -> np.ndarray:
    """P(the change from `current` to `proposed` budget raises value net of its cost at
    `margin`), per campaign; nan where there is no change. Arrays broadcast together."""
    b0, b1, v, beta, beta_sd, s, lam, cap = np.broadcast_arrays(
        *(
            np.asarray(x, dtype=np.float64)
            for x in (
                current,
                proposed,
                value_now,
                elasticity,
                elasticity_sd,
                level_sd,
                margin,
                spend_cap,
            )
        )
    )
    delta = b1 - b0
    base = np.minimum(b0, cap)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(base > 0, np.minimum(b1, cap) / np.where(base > 0, base, 1.0), np.nan)
        log_v = np.log(np.maximum(v, 0.0))  # -inf for a worthless campaign
    lo, hi = beta_bounds
    betas = np.clip(beta[..., None] + beta_sd[..., None] * _NODES, lo, hi)
    # D(β) = value(proposed) / value(current) − 1: the change in value per unit of V.
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.power(ratio[..., None], betas) - 1.0
        cost = (lam * delta)[..., None]
        # gain = V·D − cost > 0  ⇔  V·D > cost: a threshold on log V, its side set by D's sign.
        threshold = np.log(np.abs(cost) + _TINY) - np.log(np.abs(d) + _TINY)
        spread = np.maximum(s, _TINY)[..., None]
        z = (log_v[..., None] - threshold) / spread
    raises = d > _TINY  # an increase below the cap: more value, for a cost
    lowers = d < -_TINY  # a cut: less value, money freed
    p = np.where(
        raises,
        np.where(cost > 0, norm.cdf(z), 1.0),
        np.where(lowers, np.where(cost < 0, norm.sf(z), 0.0), np.where(cost < 0, 1.0, 0.0)),
    )
    p = np.where(np.isneginf(log_v)[..., None], np.where(cost < 0, 1.0, 0.0), p)
    out = (p * _WEIGHTS).sum(axis=-1)
    undefined = (delta == 0) | ~np.isfinite(ratio) | ~np.isfinite(lam)
    return np.where(undefined, np.nan, np.clip(out, 0.0, 1.0))


def percent_sure(p: float) -> str:
    """'73 %'; 'over 99 %' and 'under 1 %' at the ends, where a rounded 100 % would overclaim."""
    if p >= 0.995:
        return "over 99 %"
    if p < 0.005:
        return "under 1 %"
    return f"{p * 100:.0f} %"


def bid_confidence(
    *, log_roas: float, log_roas_var: float, days: float, target: float, raising: bool
) -> float:
    """P(the ad group's true ROAS is above `target` when `raising` its bid, below it when
    lowering), from the estimate's delta-method variance, Student's t on days − 1."""
    if not (np.isfinite(log_roas) and np.isfinite(log_roas_var) and target > 0) or days < 2:
        return float("nan")
    se = np.sqrt(max(log_roas_var, 0.0))
    gap = log_roas - np.log(target)
    if se == 0:
        return 1.0 if (gap > 0) == raising and gap != 0 else 0.0
    above = float(t.cdf(gap / se, days - 1))
    return above if raising else 1.0 - above
