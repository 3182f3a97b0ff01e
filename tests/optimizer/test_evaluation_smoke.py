"""A small sandbox evaluation: Spectra, through the production pipeline, never spends more
than the same total, never breaks a step cap, and earns more than changing nothing.

Kept small (12 campaigns, 2 weeks, one seed) so it runs in a second; the full comparison
with the oracle is `bench/decisions.py`.
"""

import pytest

from spectra.evaluation import run

WEEKS, CAMPAIGNS, SEED = 2, 12, 1


@pytest.fixture(scope="module")
def scores():
    return {
        name: run(name, seed=SEED, weeks=WEEKS, campaigns=CAMPAIGNS) for name in ("hold", "spectra")
    }


def test_both_strategies_are_scored_on_every_day(scores):
    for score in scores.values():
        assert len(score.value) == len(score.budget_total) == WEEKS * 7


def test_spectras_budget_total_never_exceeds_holds_on_any_day(scores):
    hold, spectra = scores["hold"], scores["spectra"]

    for day, (ours, theirs) in enumerate(zip(spectra.budget_total, hold.budget_total, strict=True)):
        assert ours <= theirs + 0.005, f"day {day}: {ours:,.2f} > {theirs:,.2f}"


def test_spectra_never_breaks_a_step_cap(scores):
    assert scores["spectra"].cap_breaks == 0


def test_spectra_earns_more_conversion_value_than_holding(scores):
    assert sum(scores["spectra"].value) > sum(scores["hold"].value)
