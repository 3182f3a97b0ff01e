"""Simulated ad groups for prompt tests: each has its own click-through and conversion rate
(drawn once: ad groups differ a lot), its own volume, and daily impressions that move
together within the ad group (a day's position or audience lifts all of them)."""

import numpy as np


def ad_group_traffic(
    rng,
    groups: int,
    days: int,
    *,
    ctr_lift=None,
    cvr_lift=None,
    treated=None,
    alike: float = 1.0,
) -> dict[str, np.ndarray]:
    """Totals per ad group over `days`: impressions, clicks, conversions, conversion value.
    `treated` ad groups get their CTR (and conversion rate) times 1 + the lift; `alike`
    above 1 makes the ad groups more alike (one product's, say)."""
    treated = np.zeros(groups, bool) if treated is None else np.asarray(treated, bool)
    volume = rng.lognormal(np.log(800), 0.8 / alike, groups)
    ctr = rng.beta(4 * alike**2, 80 * alike**2, groups) * np.where(
        treated, 1 + (ctr_lift or 0.0), 1.0
    )
    cvr = rng.beta(3 * alike**2, 40 * alike**2, groups) * np.where(
        treated, 1 + (cvr_lift or 0.0), 1.0
    )
    daily = rng.poisson(volume[:, None] * rng.lognormal(0, 0.3, (groups, days)))
    day_ctr = np.clip(ctr[:, None] * rng.lognormal(0, 0.2, (groups, days)), 0, 1)
    clicks = rng.binomial(daily, day_ctr)
    conversions = rng.binomial(clicks, cvr[:, None])
    value = conversions * rng.lognormal(np.log(900), 0.4, (groups, days))
    return {
        "impressions": daily,
        "clicks": clicks,
        "conversions": conversions,
        "conversion_value": value,
    }
