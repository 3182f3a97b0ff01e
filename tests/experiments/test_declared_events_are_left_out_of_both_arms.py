"""A declared seasonal event's days count in neither arm (nor the pre-period)."""

import datetime as dt

from experiments.services import experiment_readout
from optimizer.models import SeasonalEvent
from tests.experiments.world import add_days, days_between, interval_covers, started


def _with_a_festival_in_the_treatment(tenant, *, declared: bool):
    experiment = started(tenant.account, tenant.analyst, tenant.approver, n=6)  # a switchback
    start = experiment.start_date
    festival = days_between(start + dt.timedelta(days=8), start + dt.timedelta(days=13))
    normal = [d for d in days_between(start, start + dt.timedelta(days=27)) if d not in festival]
    add_days(experiment, normal, lift=0.0)
    # The festival lands while some campaigns are treated and others held: only the
    # treated ones get the crowd (as if the event favoured that arm).
    add_days(experiment, festival, lift=2.0)
    if declared:
        SeasonalEvent.objects.create(
            organization=tenant.org,
            name="Diwali",
            start_date=festival[0],
            end_date=festival[-1],
            multiplier="2.00",
        )
    return experiment_readout(experiment=experiment, today=start + dt.timedelta(days=36))


def test_a_declared_event_does_not_read_as_a_lift(alice, bob):
    undeclared = _with_a_festival_in_the_treatment(bob, declared=False)
    declared = _with_a_festival_in_the_treatment(alice, declared=True)

    assert undeclared.estimate > 0.2  # the event inflates the treated arm…
    assert len(declared.days_excluded) == 6  # …unless its days are left out of both
    assert abs(declared.estimate) < 0.1
    assert interval_covers(declared, 0.0)
