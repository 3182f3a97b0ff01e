"""Per-campaign diminishing-returns curves, fitted from daily history.

The family is a power law in spend, capped where demand runs out::

    value(b) = a · min(b, cap)^β        0.05 ≤ β ≤ 0.95, a ≥ 0, cap = ∞ unless demand-capped

Why this family:

* It is concave for every β < 1, so the allocator's first-order (KKT) conditions are
  sufficient, and its inverse marginal is closed form:
  ``b(λ) = (a·β/λ)^(1/(1−β))`` (then ``min(b, cap)``), which vectorises over campaigns.
* β is the elasticity: a 10 % budget rise buys ≈ β·10 % more value. It is linear in log
  space, so one weighted regression per campaign (as sums over days, all campaigns at
  once) estimates it, and a Gaussian prior on it behaves sensibly when spend never moved.
* With β fixed by the prior, ``a`` is set so that the curve passes through the
  campaign's average ROAS at its average spend; the marginal is then β·ROAS, so a
  campaign held at one budget is ranked by average ROAS, exactly what a careful
  analyst would do without evidence of curvature. The saturating exponential a
  platform really follows is locally a power law whose elasticity falls as spend grows;
  the fit is refreshed every run, so β tracks the region the campaign is actually in.

How the fit works (`fit_response`):

1. Level days are usable days (finite, weight > 0, spend > 0); their value may be zero.
   Slope days are level days with value > 0 whose spend was set by the budget rather
   than by demand (spend ≥ `saturation_ratio` × budget when budgets are given): on a
   demand-limited day spend moves *with* demand, which would bias the slope toward 1.
2. β ~ N(m, prior_sd²) with a weighted Bayesian linear regression of log value on log
   spend (centred, so the slope does not depend on the level). m is `prior_shape`, or,
   with ``pool=True``, the precision-weighted mean of the other campaigns' slopes shrunk
   toward `prior_shape` (leave-one-out, so a campaign never confirms itself). The noise
   variance is estimated per campaign with a scaled-inverse-χ² prior (``noise_sd``,
   ``noise_prior_days``), in two passes. β is clipped to `beta_bounds`.
3. ``a`` is the ratio estimate ``Σ w·v / Σ w·s^β`` (robust to zero-value days, unbiased
   under mean-one multiplicative noise), shrunk in log space toward the portfolio's
   average ROAS at the campaign's average spend (prior sd `level_prior_sd`), as much as
   its day-to-day noise and effective number of days warrant: two lucky, noisy days
   cannot make a campaign look like the best one, eight steady weeks are left alone.
4. Demand capping: if, of the observed days among the last `saturation_window`, at
   least `saturation_share` (weighted) spent below `saturation_ratio` × that day's
   budget, the campaign is ``demand_capped`` — more budget buys nothing — and its curve is
   flat beyond ``cap`` = the 90th percentile of its recent spend. Capped campaigns
   should also get upper bound = current budget (see `allocation.budget_bounds`).

Units: spend, budgets and values are in the account currency (major units), so the
marginal λ is a marginal ROAS (value per unit of spend) and is unit-free.
"""

from dataclasses import dataclass, fields, replace
from functools import cached_property

import numpy as np

DEFAULT_BETA_BOUNDS = (0.05, 0.95)
_CAP_QUANTILE = 90.0


@dataclass(frozen=True, eq=False)  # arrays: compare fields explicitly
class ResponseFit:
    """Fitted curves for N campaigns (index i = campaign i) and why to trust them."""

    scale: np.ndarray  # a ≥ 0: value at a spend of one currency unit
    shape: np.ndarray  # β in beta_bounds: elasticity of value to spend
    spend_cap: np.ndarray  # spend beyond which value stops growing (inf = none seen)
    # Diagnostics, per campaign.
    shape_sd: np.ndarray  # posterior sd of β (before clipping)
    level_sd: np.ndarray  # posterior sd of log a (the curve's level, in log space)
    data_share: np.ndarray  # share of β's posterior precision that came from this campaign
    n_days: np.ndarray  # int: usable days (level days)
    effective_days: np.ndarray  # Kish effective sample size of the usable days' weights
    spend_variation: np.ndarray  # weighted sd of log spend over slope days (0 = held flat)
    roas: np.ndarray  # observed weighted average ROAS (nan without usable days)
    spend_ratio: np.ndarray  # recent spend / recent budget (nan without budgets)
    demand_capped: np.ndarray  # bool: spend stays clearly below the budget

    @classmethod
    def power_law(
        cls,
        scale: np.ndarray,
        shape: np.ndarray,
        spend_cap: np.ndarray | None = None,
    ) -> "ResponseFit":
        """Curves from known parameters (for simulations, tests and overrides)."""
        scale = np.atleast_1d(np.asarray(scale, dtype=np.float64))
        shape = np.broadcast_to(np.asarray(shape, dtype=np.float64), scale.shape).copy()
        if np.any(scale < 0) or not np.all(np.isfinite(scale)):
            raise ValueError("scale must be finite and non-negative")
        if np.any((shape <= 0) | (shape >= 1)):
            raise ValueError("shape must lie strictly between 0 and 1 (a concave curve)")
        cap = np.full(scale.shape, np.inf) if spend_cap is None else spend_cap
        cap = np.broadcast_to(np.asarray(cap, dtype=np.float64), scale.shape).copy()
        n = scale.shape[0]
        return cls(
            scale=scale,
            shape=shape,
            spend_cap=cap,
            shape_sd=np.zeros(n),
            level_sd=np.zeros(n),
            data_share=np.ones(n),
            n_days=np.zeros(n, dtype=np.int64),
            effective_days=np.zeros(n),
            spend_variation=np.zeros(n),
            roas=np.full(n, np.nan),
            spend_ratio=np.full(n, np.nan),
            demand_capped=np.isfinite(cap),
        )

    def __len__(self) -> int:
        return int(self.scale.shape[0])

    @property
    def data_driven(self) -> np.ndarray:
        """True where the campaign's own spend variation, not the prior, set most of β."""
        return self.data_share >= 0.5

    @property
    def has_data(self) -> np.ndarray:
        """True where at least one usable day contributed to the fit."""
        return self.n_days > 0

    def take(self, index: np.ndarray) -> "ResponseFit":
        """The curves of a subset of campaigns (e.g. one budget pool), in `index` order."""
        index = np.asarray(index)
        return replace(self, **{f.name: getattr(self, f.name)[index] for f in fields(self)})

    def value(self, budget: np.ndarray) -> np.ndarray:
        """Expected daily value at each campaign's budget (account currency)."""
        spend = np.minimum(np.maximum(np.asarray(budget, dtype=np.float64), 0.0), self.spend_cap)
        return self.scale * np.power(spend, self.shape)

    def marginal(self, budget: np.ndarray) -> np.ndarray:
        """d value / d budget: the return on the next unit of budget (inf at zero spend)."""
        budget = np.maximum(np.asarray(budget, dtype=np.float64), 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = self.scale * self.shape * np.power(budget, self.shape - 1.0)
        slope = np.where(self.scale > 0, slope, 0.0)
        return np.where(budget >= self.spend_cap, 0.0, slope)

    def budget_at_marginal(self, lam: float | np.ndarray) -> np.ndarray:
        """The budget at which each campaign's marginal return equals `lam` (closed form).

        Non-increasing in `lam`; 0 for a worthless campaign, the cap (or inf) for lam ≤ 0.
        """
        lam = np.asarray(lam, dtype=np.float64)
        with np.errstate(divide="ignore"):
            log_lam = np.where(lam > 0, np.log(np.where(lam > 0, lam, 1.0)), -np.inf)
        return self.budget_at_log_marginal(log_lam)

    @cached_property
    def _log_scale_shape(self) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return np.log(self.scale * self.shape)

    @cached_property
    def _inverse_curvature(self) -> np.ndarray:
        return 1.0 / (1.0 - self.shape)

    def budget_at_log_marginal(self, log_lam: np.ndarray | float) -> np.ndarray:
        """`budget_at_marginal(exp(log_lam))`: the allocator's hot path, bisecting on log λ.

        b = exp((log(aβ) − log λ) / (1 − β)), then capped; the logs are computed once.
        """
        with np.errstate(over="ignore", invalid="ignore"):
            exponent = (self._log_scale_shape - log_lam) * self._inverse_curvature
            budget = np.exp(exponent)
        budget = np.where(np.isnan(budget), 0.0, budget)  # a = 0 meets lam = 0: worthless
        return np.minimum(budget, self.spend_cap)


def fit_response(
    spend: np.ndarray,
    value: np.ndarray,
    weight: np.ndarray | None = None,
    *,
    budget: np.ndarray | None = None,
    prior_shape: float | np.ndarray = 0.5,
    prior_sd: float = 0.15,
    pool: bool = True,
    level_prior_sd: float = 0.75,
    noise_sd: float = 0.3,
    noise_prior_days: float = 5.0,
    saturation_ratio: float = 0.9,
    saturation_share: float = 0.75,
    saturation_window: int = 14,
    beta_bounds: tuple[float, float] = DEFAULT_BETA_BOUNDS,
) -> ResponseFit:
    """Fit one diminishing-returns curve per row of (N, D) daily spend and value.

    `weight` (N, D) is each day's quality, 1 for a full-quality day and 0 for a missing or
    excluded one (NaN spend or value counts as 0 too). `budget` (N, D) is the daily budget
    in effect; without it no campaign is flagged demand-capped and every day informs the
    slope. `prior_shape` may be a scalar or one value per campaign. See the module
    docstring for the model; the result is a `ResponseFit` in the same currency units.
    """
    spend = np.atleast_2d(np.asarray(spend, dtype=np.float64))
    value = np.atleast_2d(np.asarray(value, dtype=np.float64))
    if spend.shape != value.shape:
        raise ValueError(f"spend has shape {spend.shape} but value has {value.shape}")
    n, _ = spend.shape
    w = np.ones(spend.shape) if weight is None else np.asarray(weight, dtype=np.float64)
    if w.shape != spend.shape:
        raise ValueError(f"weight has shape {w.shape}, expected {spend.shape}")
    if budget is not None:
        budget = np.asarray(budget, dtype=np.float64)
        if budget.shape != spend.shape:
            raise ValueError(f"budget has shape {budget.shape}, expected {spend.shape}")
    lo_beta, hi_beta = beta_bounds
    if not 0.0 < lo_beta < hi_beta < 1.0:
        raise ValueError("beta_bounds must satisfy 0 < low < high < 1")
    prior_mean = np.broadcast_to(np.asarray(prior_shape, dtype=np.float64), (n,))
    prior_precision = 1.0 / prior_sd**2

    observed = np.isfinite(spend) & np.isfinite(value) & np.isfinite(w) & (w > 0)
    w = np.where(observed, w, 0.0)
    spend = np.where(observed, spend, 0.0)
    value = np.where(observed, value, 0.0)
    level = observed & (spend > 0) & (value >= 0)
    w_level = np.where(level, w, 0.0)

    demand_limited = np.zeros(spend.shape, dtype=bool)
    if budget is not None:
        with np.errstate(invalid="ignore"):
            demand_limited = (budget > 0) & (spend < saturation_ratio * budget)
    w_slope = np.where(level & (value > 0) & ~demand_limited, w, 0.0)

    # Centred weighted sums of the log-log regression, one row per campaign.
    with np.errstate(divide="ignore"):
        x = np.where(w_slope > 0, np.log(np.where(spend > 0, spend, 1.0)), 0.0)
        y = np.where(w_slope > 0, np.log(np.where(value > 0, value, 1.0)), 0.0)
    sw = w_slope.sum(axis=1)
    safe_sw = np.where(sw > 0, sw, 1.0)
    x_bar = (w_slope * x).sum(axis=1) / safe_sw
    y_bar = (w_slope * y).sum(axis=1) / safe_sw
    dx = np.where(w_slope > 0, x - x_bar[:, None], 0.0)
    dy = np.where(w_slope > 0, y - y_bar[:, None], 0.0)
    sxx = (w_slope * dx * dx).sum(axis=1)
    sxy = (w_slope * dx * dy).sum(axis=1)
    syy = (w_slope * dy * dy).sum(axis=1)

    noise_var = np.full(n, noise_sd**2)
    for _ in range(2):  # pass 1 with the prior noise level, pass 2 with the fitted one
        mean = _pooled_prior_mean(sxx, sxy, noise_var, prior_mean, prior_sd) if pool else prior_mean
        data_precision = sxx / noise_var
        precision = prior_precision + data_precision
        beta = (mean * prior_precision + sxy / noise_var) / precision
        rss = np.maximum(syy - 2 * beta * sxy + beta * beta * sxx, 0.0)
        noise_var = (noise_prior_days * noise_sd**2 + rss) / (noise_prior_days + sw)
    beta_raw = beta
    beta = np.clip(beta_raw, lo_beta, hi_beta)

    # Level: ratio estimator, shrunk toward the portfolio's average ROAS.
    total_w = w_level.sum(axis=1)
    spend_w = (w_level * spend).sum(axis=1)
    value_w = (w_level * value).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        roas = np.where(spend_w > 0, value_w / spend_w, np.nan)
        effective = np.where(
            total_w > 0, total_w**2 / np.maximum((w_level**2).sum(axis=1), 1e-300), 0.0
        )
    reference = np.where(total_w > 0, spend_w / np.where(total_w > 0, total_w, 1.0), 0.0)
    if budget is not None:
        reference = np.where(total_w > 0, reference, _last_positive(budget))
    portfolio_roas = value_w.sum() / spend_w.sum() if spend_w.sum() > 0 else 0.0
    scale, level_sd = _level(
        spend,
        value,
        w_level,
        beta,
        effective=effective,
        reference=reference,
        portfolio_roas=portfolio_roas,
        prior_sd=level_prior_sd,
        noise_sd=noise_sd,
        prior_days=noise_prior_days,
    )

    demand_capped, spend_cap, spend_ratio = _demand_cap(
        spend, budget, observed, w, saturation_ratio, saturation_share, saturation_window
    )

    return ResponseFit(
        scale=scale,
        shape=beta,
        spend_cap=spend_cap,
        shape_sd=1.0 / np.sqrt(precision),
        level_sd=level_sd,
        data_share=data_precision / precision,
        n_days=level.sum(axis=1).astype(np.int64),
        effective_days=effective,
        spend_variation=np.sqrt(sxx / safe_sw),
        roas=roas,
        spend_ratio=spend_ratio,
        demand_capped=demand_capped,
    )


def _level(
    spend, value, w, beta, *, effective, reference, portfolio_roas, prior_sd, noise_sd, prior_days
):
    """The curve's scale a, each campaign's ratio estimate shrunk in log space, and the
    posterior sd of log a.

    The ratio Σw·v / Σw·s^β makes the curve pass through the campaign's average value
    (zero-value days count; mean-one noise leaves it unbiased). Its log has sampling
    variance ≈ log(1 + cv²/n_eff), cv² being the day-to-day relative variance of value
    around the curve (with `prior_days` pseudo-days of `noise_sd`); the prior is the
    portfolio's average ROAS at the campaign's reference spend, sd `prior_sd` in log
    space. A campaign whose usable days brought no value at all gets a = 0; one without
    usable days gets the prior.
    """
    powered = np.power(spend, beta[:, None])
    denominator = (w * powered).sum(axis=1)
    ratio = np.where(
        denominator > 0, (w * value).sum(axis=1) / np.where(denominator > 0, denominator, 1.0), 0.0
    )
    informative = ratio > 0
    expected = np.where(informative, ratio, 1.0)[:, None] * powered
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(w > 0, value / np.where(w > 0, expected, 1.0) - 1.0, 0.0)
    total_w = w.sum(axis=1)
    cv2 = (w * relative**2).sum(axis=1) / np.where(total_w > 0, total_w, 1.0)
    cv2 = (prior_days * noise_sd**2 + effective * cv2) / (prior_days + effective)
    sampling_var = np.log1p(cv2 / np.maximum(effective, 1e-12))
    with np.errstate(divide="ignore", invalid="ignore"):
        prior_log = np.log(portfolio_roas) + (1.0 - beta) * np.log(reference)
    data_log = np.log(np.where(informative, ratio, 1.0))
    prior_precision = 1.0 / prior_sd**2
    data_precision = np.where(informative, 1.0 / sampling_var, 0.0)
    posterior = (np.where(np.isfinite(prior_log), prior_log, 0.0) * prior_precision
                 + data_log * data_precision) / (prior_precision + data_precision)  # fmt: skip
    scale = np.where(
        informative,
        np.where(np.isfinite(prior_log), np.exp(posterior), ratio),
        np.where(np.isfinite(prior_log) & (denominator == 0), np.exp(prior_log), 0.0),
    )
    level_sd = 1.0 / np.sqrt(prior_precision + data_precision)
    return np.where(np.isfinite(scale), scale, 0.0), level_sd


def _pooled_prior_mean(sxx, sxy, noise_var, prior_mean, prior_sd):
    """Leave-one-out mean of the other campaigns' slopes, shrunk toward the prior.

    Each campaign's own slope sxy/sxx has sampling variance σ²/sxx; campaigns differ by
    prior_sd, so it weighs 1 / (prior_sd² + σ²/sxx) and no single campaign dominates.
    """
    has_slope = sxx > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.where(has_slope, sxy / np.where(has_slope, sxx, 1.0), 0.0)
        weight = np.where(
            has_slope, 1.0 / (prior_sd**2 + noise_var / np.where(has_slope, sxx, 1.0)), 0.0
        )
    others_weight = weight.sum() - weight
    others_sum = (weight * slope).sum() - weight * slope
    anchor = 1.0 / prior_sd**2
    return (prior_mean * anchor + others_sum) / (anchor + np.maximum(others_weight, 0.0))


def _demand_cap(spend, budget, observed, w, ratio, share, window):
    """Flag campaigns whose recent spend stays clearly below budget, and their spend cap."""
    n, d = spend.shape
    if budget is None or d == 0:
        return np.zeros(n, dtype=bool), np.full(n, np.inf), np.full(n, np.nan)
    recent = slice(max(d - window, 0), d)
    s, b, wr = spend[:, recent], budget[:, recent], w[:, recent]
    ok = observed[:, recent] & np.isfinite(b) & (b > 0)
    wr = np.where(ok, wr, 0.0)
    below = np.where(ok, s < ratio * np.where(ok, b, 0.0), False)
    total = wr.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        below_share = np.where(total > 0, (wr * below).sum(axis=1) / total, 0.0)
        spend_ratio = np.where(
            total > 0, (wr * s).sum(axis=1) / (wr * np.where(ok, b, 0.0)).sum(axis=1), np.nan
        )
    capped = (total > 0) & (below_share >= share)
    cap = np.full(n, np.inf)
    if capped.any():
        rows = np.where(ok[capped], s[capped], np.nan)
        cap[capped] = np.nanpercentile(rows, _CAP_QUANTILE, axis=1)
    return capped, cap, spend_ratio


def _last_positive(budget: np.ndarray) -> np.ndarray:
    """Each row's last finite positive value (0 if none): the reference for no-data rows."""
    ok = np.isfinite(budget) & (budget > 0)
    d = budget.shape[1]
    if d == 0:
        return np.zeros(budget.shape[0])
    last = d - 1 - np.argmax(ok[:, ::-1], axis=1)
    found = ok.any(axis=1)
    return np.where(found, budget[np.arange(budget.shape[0]), last], 0.0)
