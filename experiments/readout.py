"""The one door to the lift estimate: the readout service asks here, never the maths directly,
so the method (jackknife over buckets today) can be swapped in one place."""

import numpy as np

from experiments.stats.lift import Lift, jackknife_lift


def estimate_lift(
    *,
    treatment: np.ndarray,
    control: np.ndarray,
    treatment_pre: np.ndarray,
    control_pre: np.ndarray,
    alpha: float,
    seed: int,
) -> Lift:
    """Relative lift of treatment over control, difference-in-differences on the pre-period."""
    return jackknife_lift(
        treatment=treatment,
        control=control,
        treatment_pre=treatment_pre,
        control_pre=control_pre,
        alpha=alpha,
        seed=seed,
    )
