"""When one arm's campaigns stop reporting, the readout warns instead of deciding."""

import datetime as dt

from experiments.services import experiment_readout
from tests.experiments.world import add_days, days_between, started


def test_control_campaigns_going_silent_trip_the_sample_ratio_check(alice):
    experiment = started(alice.account, alice.analyst, alice.approver)
    start = experiment.start_date
    days = days_between(start, start + dt.timedelta(days=12))
    add_days(experiment, days, lift=0.3)
    control = experiment.units.filter(arm__is_control=True)
    silent = [u.campaign_id for u in control[:4]]
    alice.campaign.metrics.model.objects.filter(campaign_id__in=silent, date__gte=start).delete()

    readout = experiment_readout(experiment=experiment, today=start + dt.timedelta(days=20))

    assert readout.srm_warning
    assert readout.decision == "keep_running"
    assert "no longer match their planned split" in readout.explanation


def test_arms_that_report_alike_raise_no_warning(alice):
    experiment = started(alice.account, alice.analyst, alice.approver)
    start = experiment.start_date
    add_days(experiment, days_between(start, start + dt.timedelta(days=12)))

    readout = experiment_readout(experiment=experiment, today=start + dt.timedelta(days=20))

    assert readout.srm_p > 0.5
    assert not readout.srm_warning
