"""The dashboard's "what Spectra earned you": measured lift in currency beside AI cost."""

import datetime as dt
from decimal import Decimal

from creative.models import AISpend
from experiments.models import Experiment, Readout
from spectra.dashboard import ops_dashboard


def _measured(tenant, *, value, lift, low, high, day=dt.date(2026, 11, 20)):
    experiment = Experiment.objects.create(
        account=tenant.account, kind="holdout", name="Holdout", planned_days=28
    )
    Readout.objects.create(
        experiment=experiment,
        look=1,
        as_of=day,
        last_day=day,
        estimate=lift,
        low=low,
        high=high,
        treatment_value=Decimal(value),
        decision="ship",
    )


def test_it_shows_the_incremental_value_of_each_month_beside_the_ai_cost(alice, bob):
    # 25 % lift on ₹12,50,000 of treatment value: ₹2,50,000 came from Spectra's changes.
    _measured(alice, value="1250000", lift=0.25, low=0.10, high=0.40)
    _measured(bob, value="999999", lift=0.5, low=0.2, high=0.8)
    AISpend.objects.create(organization=alice.org, month=dt.date(2026, 11, 1), cost="12.5")

    rows = ops_dashboard(user=alice.viewer).earned

    assert len(rows) == 1  # bob's earnings are bob's
    row = rows[0]
    assert row.month == dt.date(2026, 11, 1)
    assert row.earned == "₹2,50,000"
    assert row.range == "₹1,13,636 to ₹3,57,143"
    assert row.ai_cost == Decimal("12.50")


def test_with_no_holdout_yet_it_invites_planning_one(client, alice):
    client.force_login(alice.viewer)
    page = client.get("/admin/").content.decode()
    assert "What Spectra earned you" in page and 'id="earned-none"' in page
