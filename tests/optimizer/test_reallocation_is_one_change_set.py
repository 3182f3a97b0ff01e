"""A budget-pool reallocation is stored as one change set: its legs share one decision
(risk, approval requirement) and its totals, and ending one leg's proposal ends the set."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from campaigns.models import (
    BudgetPool,
    ChangeSet,
    ChangeSetStatus,
    GuardrailPolicy,
    RecommendationStatus,
)
from optimizer.services import optimize_account
from tests.factories import make_ad_group, make_campaign
from tests.optimizer.builders import AS_OF, write_daily_metrics

NOW = datetime.combine(AS_OF, datetime.min.time(), tzinfo=UTC) + timedelta(hours=6)
R = RecommendationStatus


def _pair(account, pool, seed):
    strong = make_campaign(account, name=f"strong {seed}", budget_pool=pool)
    weak = make_campaign(account, name=f"weak {seed}", budget_pool=pool)
    write_daily_metrics(strong, make_ad_group(strong), roas=6.0, seed=seed)
    write_daily_metrics(weak, make_ad_group(weak), roas=1.5, seed=seed + 1)
    return strong, weak


@pytest.fixture
def two_pools(alice):
    """Alice's account has two pools, each with a strong and a weak campaign."""
    GuardrailPolicy.objects.create(organization=alice.org)
    alice.campaign.budget_pool = BudgetPool.objects.create(account=alice.account, name="search")
    alice.campaign.save()  # alice's own campaign has no metrics: held, not a leg
    alice.search = BudgetPool.objects.get(name="search")
    alice.search_pair = _pair(alice.account, alice.search, seed=1)
    alice.display_pair = _pair(alice.account, None, seed=3)  # the default portfolio
    return alice


def run_for(tenant, *, as_of=AS_OF, now=NOW):
    return optimize_account(account=tenant.account, as_of=as_of, actor=tenant.analyst, now=now)


def test_each_pool_reallocated_is_one_change_set_with_its_budget_legs(two_pools, bob):
    run = run_for(two_pools)

    sets = {cs.pool_id: cs for cs in ChangeSet.objects.filter(run=run)}
    assert set(sets) == {two_pools.search.pk, None}
    for pool_id, pair in (
        (two_pools.search.pk, two_pools.search_pair),
        (None, two_pools.display_pair),
    ):
        legs = list(sets[pool_id].legs.all())
        assert {leg.campaign_id for leg in legs} == {c.pk for c in pair}
        assert all(leg.kind == "budget" and leg.status == R.PROPOSED for leg in legs)
        assert sets[pool_id].account == two_pools.account
        assert sets[pool_id].status == ChangeSetStatus.PROPOSED
        assert sets[pool_id].total_before == sum(leg.current_value for leg in legs)
        assert sets[pool_id].total_after == sum(leg.proposed_value for leg in legs)
        assert sets[pool_id].total_after == sets[pool_id].total_before == Decimal("10000.00")
    assert not run.recommendations.filter(kind="budget", change_set__isnull=True).exists()
    assert not ChangeSet.objects.filter(account=bob.account).exists()


def test_every_leg_shares_the_sets_strictest_risk_and_approval_requirement(two_pools):
    run = run_for(two_pools)

    for change_set in ChangeSet.objects.filter(run=run):
        legs = list(change_set.legs.all())
        assert len({leg.risk for leg in legs}) == 1
        assert len({leg.requires_approval for leg in legs}) == 1


def test_a_change_set_has_a_history_row_naming_the_actor_and_the_run(two_pools):
    run = run_for(two_pools)

    for change_set in ChangeSet.objects.filter(run=run):
        (row,) = ChangeSet.history.filter(id=change_set.pk)
        assert row.history_user == two_pools.analyst
        assert row.history_change_reason == f"Proposed by optimisation run #{run.pk}"


def test_when_one_leg_is_superseded_its_whole_set_expires(two_pools):
    first = run_for(two_pools)
    old_set = ChangeSet.objects.get(run=first, pool=two_pools.search)
    _, weak = two_pools.search_pair
    # Only the strong campaign is looked at again: the weak one is pinned the next day.
    weak.is_pinned = True
    weak.save()
    other = make_campaign(two_pools.account, name="newcomer", budget_pool=two_pools.search)
    write_daily_metrics(other, make_ad_group(other), roas=1.2, seed=9)

    run_for(two_pools, as_of=AS_OF + timedelta(days=1), now=NOW + timedelta(days=1))

    old_set.refresh_from_db()
    assert old_set.status == ChangeSetStatus.EXPIRED
    assert set(old_set.legs.values_list("status", flat=True)) == {R.EXPIRED}
    weak_leg = old_set.legs.get(campaign=weak)
    reason = weak_leg.history.latest("history_date").history_change_reason
    assert "another leg of its change set expired" in reason
