import pytest

from experiments.stats.power import minimum_detectable_effect, power_at


def test_the_mde_is_2_80_standard_errors_at_80_percent_power_and_5_percent_alpha():
    mde = minimum_detectable_effect(cv=0.2, n_treatment=25, n_control=25)
    assert mde == pytest.approx(2.8016 * 0.2 * (2 / 25) ** 0.5, rel=1e-3)


def test_power_at_the_mde_is_80_percent():
    mde = minimum_detectable_effect(cv=0.3, n_treatment=10, n_control=30)
    assert power_at(effect=mde, cv=0.3, n_treatment=10, n_control=30) == pytest.approx(
        0.8, abs=1e-3
    )
