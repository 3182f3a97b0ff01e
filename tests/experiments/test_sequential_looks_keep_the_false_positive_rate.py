import numpy as np
import pytest

from experiments.stats.sequential import boundaries, obrien_fleming_spent


def test_boundaries_match_the_published_lan_demets_obrien_fleming_values():
    # gsDesign / ldbounds: 4 equally spaced looks, two-sided alpha 0.05.
    b = boundaries([0.25, 0.5, 0.75, 1.0])
    assert b == pytest.approx([4.333, 2.963, 2.359, 2.014], abs=0.01)


def test_one_look_at_the_end_is_the_plain_test():
    assert boundaries([1.0])[0] == pytest.approx(1.95996, abs=1e-3)
    assert obrien_fleming_spent(1.0) == pytest.approx(0.05)


def test_weekly_looks_with_the_boundary_keep_alpha_and_naive_peeking_does_not():
    rng = np.random.default_rng(7)
    looks = np.array([0.25, 0.5, 0.75, 1.0])
    increments = rng.normal(0, np.sqrt(np.diff(np.concatenate([[0], looks]))), (40000, 4))
    z = np.cumsum(increments, axis=1) / np.sqrt(looks)
    sequential = (np.abs(z) >= boundaries(looks)).any(axis=1).mean()
    naive = (np.abs(z) >= 1.96).any(axis=1).mean()
    assert sequential <= 0.055
    assert naive > 0.10
