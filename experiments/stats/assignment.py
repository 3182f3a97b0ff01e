"""Assigning units (campaigns) to arms: stratified when there are enough, switchback if not."""

from dataclasses import dataclass

import numpy as np

# Fewer campaigns than this and a split leaves arms too unlike each other (and too few
# buckets for the jackknife), so each campaign takes turns at being held instead.
MIN_UNITS_FOR_HOLDOUT = 12


def pair_strata(spend, roas) -> np.ndarray:
    """Stratum id per unit: the pairs the stratified design splits.

    Units are ranked by spend and cut into blocks of four; within a block they are ranked
    by ROAS and paired (1st with 2nd, 3rd with 4th); a unit left over is a stratum alone.
    Deterministic, so a readout can rebuild the strata the assignment used.
    """
    spend, roas = np.asarray(spend, float), np.asarray(roas, float)
    strata = np.empty(len(spend), dtype=int)
    by_spend = np.argsort(spend, kind="stable")
    for start in range(0, len(spend), 4):
        block = by_spend[start : start + 4]
        block = block[np.argsort(roas[block], kind="stable")]
        for i in range(0, len(block), 2):
            strata[block[i : i + 2]] = (start + i) // 2
    return strata


def stratified_assignment(spend, roas, seed: int) -> np.ndarray:
    """1 = treatment, 0 = control, per unit; alike arms in spend and recent ROAS.

    Each pair of `pair_strata` is split at random (a unit alone gets a coin), so every
    spend stratum and every ROAS level within it lands in both arms.
    """
    strata = pair_strata(spend, roas)
    rng = np.random.default_rng(seed)
    arms = np.zeros(len(strata), dtype=int)
    for stratum in range(strata.max() + 1 if len(strata) else 0):
        members = np.flatnonzero(strata == stratum)
        if len(members) == 2:
            arms[members] = rng.permutation([0, 1])
        else:
            arms[members] = rng.integers(0, 2)
    return arms


@dataclass(frozen=True)
class Design:
    name: str  # "HOLDOUT" or "SWITCHBACK"
    reason: str


def choose_design(n_units: int) -> Design:
    if n_units >= MIN_UNITS_FOR_HOLDOUT:
        return Design("HOLDOUT", f"{n_units} campaigns are enough to split into alike arms.")
    return Design(
        "SWITCHBACK",
        f"Only {n_units} campaigns (fewer than {MIN_UNITS_FOR_HOLDOUT}): a split would leave "
        "unlike arms, so each campaign alternates between applied and held periods.",
    )


def switchback_schedule(n_units: int, periods: int, seed: int) -> np.ndarray:
    """Arm (1 treatment, 0 control) per unit and period, alternating, half starting each way.

    Periods should be longer than the conversion lag: the readout drops each period's first
    `lag` days, whose conversions the previous period's arm still drives.
    """
    rng = np.random.default_rng(seed)
    starts = rng.permutation(np.arange(n_units) % 2)
    return (starts[:, None] + np.arange(periods)[None, :]) % 2


def switchback_splits(n_units: int, periods: int, *, draws: int, seed: int = 0) -> np.ndarray:
    """(draws, units × periods) booleans: schedules `switchback_schedule` could have drawn.

    Each row is one schedule flattened unit by unit, as `switchback_schedule(...).ravel()`,
    so a switchback's campaign-periods can be read out with `randomization_lift(...,
    assignments=...)`: the design randomises which half of the campaigns starts applied,
    and that is what is re-drawn.
    """
    rng = np.random.default_rng(seed)
    starts = rng.permuted(np.tile(np.arange(n_units) % 2, (draws, 1)), axis=1)
    schedules = (starts[:, :, None] + np.arange(periods)[None, None, :]) % 2
    return schedules.reshape(draws, n_units * periods).astype(bool)
