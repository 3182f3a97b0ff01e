"""In a switchback each campaign is held in its off periods only, and the hold follows."""

import datetime as dt

from experiments.selectors import held_campaign_ids
from experiments.services import holds_sync
from tests.experiments.world import started


def test_campaigns_take_turns_being_held(alice):
    experiment = started(alice.account, alice.analyst, alice.approver, n=6)
    period = experiment.switchback_period_days
    first = experiment.start_date
    second = first + dt.timedelta(days=period)

    held_first = held_campaign_ids(alice.account, first)
    held_second = held_campaign_ids(alice.account, second)

    units = {u.campaign_id: u.periods for u in experiment.units.all()}
    assert held_first == {c for c, periods in units.items() if periods[0] == 0}
    assert held_second == set(units) - held_first  # alternating
    assert 0 < len(held_first) < len(units)
    assert held_campaign_ids(alice.account, first + dt.timedelta(days=10 * period)) == set()

    holds_sync(account=alice.account, today=second)
    marked = set(alice.account.campaigns.exclude(experiment_hold="").values_list("pk", flat=True))
    assert marked == held_second
