"""A holdout is split within pairs alike in spend and ROAS; the readout re-draws within the
same pairs, or it would judge the split against splits the design could never make."""

import datetime as dt

import numpy as np

import experiments.readout
from experiments.services import experiment_readout
from experiments.services.strata import recent_spend_and_roas
from experiments.stats.assignment import pair_strata
from experiments.stats.lift import randomization_lift
from tests.experiments.world import add_days, days_between, started


def test_each_stored_stratum_is_a_pair_split_between_the_arms(alice):
    experiment = started(alice.account, alice.analyst, alice.approver, n=16)
    units = list(experiment.units.select_related("arm").order_by("pk"))
    spend, roas = recent_spend_and_roas(
        account=alice.account, campaign_ids=[u.campaign_id for u in units]
    )

    stored = np.array([u.stratum for u in units])
    assert (stored == pair_strata(spend, roas)).all()
    for stratum in set(stored):
        pair = [u for u in units if u.stratum == stratum]
        assert sorted(u.arm.is_control for u in pair) == [False, True]


def test_the_readout_re_draws_within_the_stored_pairs(alice, monkeypatch):
    experiment = started(alice.account, alice.analyst, alice.approver, n=16)
    start = experiment.start_date
    add_days(experiment, days_between(start, start + dt.timedelta(days=13)), seed=11)
    seen = {}
    sequential = experiments.readout.sequential_lift

    def recording(**kwargs):
        seen.update(kwargs)
        return sequential(**kwargs)

    monkeypatch.setattr(experiments.readout, "sequential_lift", recording)

    readout = experiment_readout(experiment=experiment, today=start + dt.timedelta(days=21))

    units = list(experiment.units.select_related("arm").order_by("pk"))
    assert list(seen["strata"]) == [u.stratum for u in units]
    assert list(seen["arms"]) == [not u.arm.is_control for u in units]
    # The look's p-value is the plain randomisation test within those pairs.
    alone = randomization_lift(
        pre=seen["pre"],
        post=seen["posts"][-1],
        arms=seen["arms"],
        strata=seen["strata"],
        draws=seen["draws"],
        seed=seen["seed"],
    )
    assert readout.p_value == alone.p_value
    assert 0.05 < readout.p_value < 1  # no lift was added: a p-value the pairs decide
