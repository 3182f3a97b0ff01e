"""Money at execution time: whatever was proposed, by whom, under whatever policy, the
executor's checks let through no budget above the campaign's max daily spend, and no
optimiser or person change past the policy's step cap or below its floor."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from campaigns.guardrails import PolicyLimits
from campaigns.models import Campaign, Recommendation, RecommendationKind, Source
from executors.checks import CORRECTIVE, execution_checks

CENTS = Decimal("0.01")
money = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False)
pct = st.decimals(min_value=1, max_value=100, places=0)
MONEY_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@MONEY_SETTINGS
# Found here: a rollback lifting a budget above a max daily spend set after the change
# it undoes passed, because corrective changes skipped the whole budget rule.
@example(
    current=Decimal("5000"),
    proposed=Decimal("10000"),
    max_daily_spend=Decimal("6000"),
    spend_today=Decimal("0"),
    source=Source.ROLLBACK,
    increase_pct=Decimal("30"),
    floor=Decimal("100"),
)
@given(
    current=money,
    proposed=money,
    max_daily_spend=st.none() | money.filter(lambda m: m > 0),
    spend_today=money,
    source=st.sampled_from(Source.values),
    increase_pct=pct,
    floor=st.decimals(min_value=0, max_value=5000, places=2),
)
def test_no_budget_passes_the_execution_checks_above_a_limit_or_past_the_policy(
    alice, current, proposed, max_daily_spend, spend_today, source, increase_pct, floor
):
    account = alice.account
    campaign = Campaign(
        account=account,
        daily_budget=current,
        max_daily_spend=max_daily_spend,
        spend_today=spend_today,
        last_significant_change_at=timezone.now() - timedelta(days=30),
    )
    rec = Recommendation(
        account=account,
        campaign=campaign,
        kind=RecommendationKind.BUDGET,
        source=source,
        current_value=current,
        proposed_value=proposed,
        decided_by=alice.approver,
    )
    limits = PolicyLimits(
        max_budget_increase_pct=increase_pct, budget_floor=floor, max_changes_per_run=None
    )

    verdict = execution_checks(rec, limits=limits, now=timezone.now())

    if not verdict.ok:
        assert verdict.rule and verdict.detail  # a refusal always says which rule and why
        return
    # Promise 1 holds for every source, corrective ones (rollbacks) included.
    if max_daily_spend is not None:
        assert proposed <= max_daily_spend
        if proposed > current:
            assert spend_today < max_daily_spend
    if source not in CORRECTIVE:
        if current > 0:
            assert (proposed - current) / current * 100 <= increase_pct
        else:
            assert proposed == 0
        assert proposed >= floor or proposed >= current or proposed == max_daily_spend
