"""A run keeps the conversion-lag curve its plan was judged with, so the campaign page
shades the days the optimiser itself treated as incomplete."""

from datetime import UTC, datetime, timedelta

from campaigns.conversion_lag import conversion_lag_of
from campaigns.models import GuardrailPolicy
from optimizer.services import optimize_account
from tests.optimizer.builders import AS_OF, write_daily_metrics


def test_the_runs_summary_holds_the_curve_and_pages_read_it(alice):
    write_daily_metrics(alice.campaign, alice.ad_group, roas=4.0, seed=3)
    GuardrailPolicy.objects.create(organization=alice.org, conversion_lag_days=5)
    now = datetime.combine(AS_OF, datetime.min.time(), tzinfo=UTC) + timedelta(hours=6)

    run = optimize_account(account=alice.account, as_of=AS_OF, actor=alice.analyst, now=now)

    lag = run.summary["conversion_lag"]
    assert len(lag["by_age"]) == 5  # the policy's window is the horizon
    assert lag["by_age"] == sorted(lag["by_age"])  # an older day is never less complete
    assert 0 < lag["by_age"][0] < 1 and lag["source"] in {"history", "fallback"}
    read = conversion_lag_of(alice.account)
    assert read.by_age == tuple(lag["by_age"]) and read.reason == lag["reason"]
    assert read.incomplete(AS_OF - timedelta(days=1), AS_OF)
    assert not read.incomplete(AS_OF - timedelta(days=6), AS_OF)
