"""Sample-ratio mismatch: are the arms' counts what the planned split says they should be?"""

import numpy as np
from scipy import stats

SRM_P_THRESHOLD = 0.001  # the customary threshold: SRM checks run often and must not cry wolf


def sample_ratio_p_value(observed, expected_shares) -> float:
    """Chi-square goodness-of-fit p-value of counts per arm against the planned shares."""
    observed = np.asarray(observed, dtype=float)
    shares = np.asarray(expected_shares, dtype=float)
    expected = observed.sum() * shares / shares.sum()
    return float(stats.chisquare(observed, expected).pvalue)


def has_sample_ratio_mismatch(observed, expected_shares, threshold=SRM_P_THRESHOLD) -> bool:
    return sample_ratio_p_value(observed, expected_shares) < threshold
