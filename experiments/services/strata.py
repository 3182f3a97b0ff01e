"""The strata a holdout is split within: pairs of campaigns alike in recent spend and ROAS.

Planning (to rehearse the readout), starting (to split) and reading out (to re-draw the
split) must all use the same pairs, or the readout would judge the split against splits
the design could never have made. So they are built here, once, from the same data.
"""

import datetime as dt

import numpy as np

from campaigns.account_time import account_today
from experiments.selectors import daily_totals, lag_days_of
from experiments.stats.assignment import pair_strata
from experiments.stats.windows import last_complete_day

RECENT_DAYS = 28  # spend and ROAS the strata are built from


def recent_spend_and_roas(*, account, campaign_ids) -> tuple[np.ndarray, np.ndarray]:
    """Spend and ROAS per campaign over the last RECENT_DAYS complete days (0 ROAS if no spend)."""
    last = last_complete_day(today=account_today(account), lag_days=lag_days_of(account))
    totals = daily_totals(campaign_ids, last - dt.timedelta(RECENT_DAYS - 1), last)
    rows = [list(totals.get(c, {}).values()) for c in campaign_ids]
    value = np.array([sum(v[0] for v in row) for row in rows], float)
    spend = np.array([sum(v[1] for v in row) for row in rows], float)
    roas = np.divide(value, spend, out=np.zeros_like(value), where=spend > 0)
    return spend, roas


def holdout_strata(*, account, campaign_ids) -> np.ndarray:
    """Pair id per campaign (`pair_strata` of recent spend and ROAS), in the given order."""
    spend, roas = recent_spend_and_roas(account=account, campaign_ids=campaign_ids)
    return pair_strata(spend, roas)
