"""Looking early is safe: an early look must beat a stricter boundary than the last."""

import datetime as dt

from experiments.services import experiment_readout
from tests.experiments.world import add_days, days_between, started


def test_an_early_look_needs_more_than_p_below_five_percent(alice):
    experiment = started(alice.account, alice.analyst, alice.approver, days=28)
    start = experiment.start_date
    add_days(experiment, days_between(start, start + dt.timedelta(days=27)), lift=0.12, seed=5)

    early = experiment_readout(experiment=experiment, today=start + dt.timedelta(days=15))
    final = experiment_readout(experiment=experiment, today=start + dt.timedelta(days=40))

    assert early.information == 0.25  # the first of four weekly looks
    assert early.boundary_z > 3.5 > final.boundary_z > 1.96
    assert early.nominal_alpha < 0.001
    # The same lift: significant at 5 %, not at the early boundary, and shipped at the end.
    assert early.p_value < 0.05
    assert early.decision == "keep_running"
    assert "boundary" in early.explanation
    assert final.decision == "ship"
    # It crossed at a later weekly look, and that look's verdict is what the end reports.
    assert 0.25 < final.information <= 1
    assert f"look {round(final.information * 4)} of 4" in final.explanation
    assert [r.look for r in experiment.readouts.all()] == [1, 2]
