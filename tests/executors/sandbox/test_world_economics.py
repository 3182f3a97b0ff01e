"""The world leaves room to optimise, and its seasonality, shifts and audiences are real."""

import heapq
import math
import statistics

import pytest

from executors.sandbox import World

from .support import SMALL_WORLD


def _campaign_value(ad_groups: list[dict], budget: float) -> float:
    """Expected value of one campaign from the published truth (independent of the world)."""
    value = 0.0
    for ag in ad_groups:
        spend = min(budget * ag["budgetWeight"], ag["spendCap"])
        conversions = ag["maxConversions"] * (1 - math.exp(-spend / ag["spendScale"]))
        value += conversions * ag["valuePerConversion"]
    return value


def _greedy_allocation(truth: dict, steps: int = 4000) -> dict[str, float]:
    """Hand out the total budget in small increments to the best marginal return."""
    by_campaign: dict[str, list[dict]] = {}
    for ag in truth["adGroups"]:
        by_campaign.setdefault(ag["campaignId"], []).append(ag)
    active = [c["id"] for c in truth["campaigns"] if c["status"] == "active"]
    step = truth["allocation"]["totalBudget"] / steps
    budgets = dict.fromkeys(active, 0.0)

    def gain(cid: str) -> float:
        ags = by_campaign[cid]
        return _campaign_value(ags, budgets[cid] + step) - _campaign_value(ags, budgets[cid])

    heap = [(-gain(cid), cid) for cid in active]
    heapq.heapify(heap)
    for _ in range(steps):
        _, cid = heapq.heappop(heap)
        budgets[cid] += step
        heapq.heappush(heap, (-gain(cid), cid))
    return budgets


def _value(truth: dict, budgets: dict[str, float]) -> float:
    by_campaign: dict[str, list[dict]] = {}
    for ag in truth["adGroups"]:
        by_campaign.setdefault(ag["campaignId"], []).append(ag)
    return sum(_campaign_value(by_campaign[cid], b) for cid, b in budgets.items())


@pytest.mark.parametrize("seed", [1, 2, 3, 42])
def test_holding_the_budgets_earns_at_most_85_percent_of_the_best_split(seed):
    world = World(seed, start_date="2025-03-03")
    truth = world.truth()
    hold = {c["id"]: c["budget"] for c in truth["campaigns"] if c["status"] == "active"}
    best = _greedy_allocation(truth)
    assert sum(best.values()) == pytest.approx(sum(hold.values()))
    hold_value, best_value = _value(truth, hold), _value(truth, best)
    assert hold_value == pytest.approx(world.expected_value(), rel=1e-9)
    assert hold_value <= 0.85 * best_value
    # The world's own oracle agrees with the independent greedy split.
    oracle = world.optimal_budgets()
    assert world.expected_value(oracle) == pytest.approx(best_value, rel=0.005)
    assert truth["allocation"]["holdToOracle"] <= 0.85


def test_the_poor_allocation_starves_high_return_campaigns_and_saturates_others():
    truth = World(5, start_date="2025-03-03").truth()
    campaigns = truth["campaigns"]
    saturated = [c for c in campaigns if c["expectedSpend"] < 0.9 * c["budget"]]
    starved = [c for c in campaigns if c["optimalBudget"] > 2 * c["budget"]]
    assert len(saturated) >= 5 and len(starved) >= 5
    assert statistics.median(c["marginalValuePerUnit"] for c in starved) > 5 * statistics.median(
        c["marginalValuePerUnit"] for c in saturated
    )


def test_noise_averages_out_to_the_expected_value():
    world = World(7, start_date="2025-03-03")
    realised = sum(world.metrics([d] * 192, list(range(192)))[4].sum() for d in range(35))
    expected = sum(world.expected_value(day=d) for d in range(35))
    assert realised == pytest.approx(expected, rel=0.03)


def test_weekends_dip_and_the_festival_week_lifts_demand():
    world = World(3, start_date="2025-03-03")  # day 0 is a Monday
    monday, saturday = world.expected_value(day=7), world.expected_value(day=12)
    assert saturday < monday
    festival = world.events()[0]
    assert festival["kind"] == "festival" and festival["demandMultiplier"] > 1
    day = world.day_of(festival["startDate"])
    budgets = {cid: 1e6 for cid in world.campaign_ids}  # unconstrained, so demand shows
    assert world.expected_value(budgets, day) > 1.2 * world.expected_value(budgets, day - 7)


def test_one_campaigns_conversion_rate_halves_on_its_declared_shift_day():
    world = World(3, start_date="2025-03-03")
    shift = world.truth()["shifts"][0]
    day = world.day_of(shift["date"])
    assert 0 < day < world.today

    def conversion_rate(d: int) -> float:
        model = world.day_model(d)
        ags = world.campaign_ad_groups(world.campaign_index(shift["campaignId"]))
        curves = model.curves
        return float((curves.max_conversions / curves.spend_scale * model.cpc)[ags].mean())

    assert conversion_rate(day) / conversion_rate(day - 1) == pytest.approx(0.5, rel=0.05)
    assert conversion_rate(day - 1) / conversion_rate(day - 2) == pytest.approx(1.0, rel=0.05)


def test_there_are_fatigued_active_and_fresh_high_intent_inactive_audiences():
    segments = World(**SMALL_WORLD).segments()
    assert any(s["status"] == "active" and s["fatigueScore"] > 80 for s in segments)
    assert any(s["status"] == "inactive" and s["intentScore"] > 80 for s in segments)
    assert all(0 <= s["fatigueScore"] <= 100 and 0 <= s["intentScore"] <= 100 for s in segments)


def test_fatigue_recovers_when_a_segment_is_deactivated_and_that_helps_its_campaigns():
    world = World(**SMALL_WORLD)
    tired = max(
        world.segments(), key=lambda s: s["fatigueScore"] if s["status"] == "active" else -1
    )
    world.set_segment_status(tired["id"], active=False)
    world.advance(4)
    after = world.segment(world.segment_index(tired["id"]))
    assert after["status"] == "inactive"
    assert after["fatigueScore"] < tired["fatigueScore"] * 0.7
    index = world.segment_index(tired["id"])
    targeting = (world.params.campaign_targets == index).any(axis=1)
    quality_before = world.truth(world.today - 4)["campaigns"]
    quality_after = world.truth()["campaigns"]
    for i in targeting.nonzero()[0]:
        assert quality_after[i]["audienceQuality"] > quality_before[i]["audienceQuality"]


def test_an_active_segment_tires_with_exposure():
    world = World(**SMALL_WORLD)
    fresh = max(
        world.segments(), key=lambda s: s["intentScore"] if s["status"] == "inactive" else -1
    )
    world.set_segment_status(fresh["id"], active=True)
    world.advance(6)
    assert (
        world.segment(world.segment_index(fresh["id"]))["fatigueScore"] > fresh["fatigueScore"] + 5
    )


def test_a_paused_campaign_is_worth_nothing_and_gets_no_oracle_budget():
    world = World(**SMALL_WORLD)
    world.set_campaign_status("CMP-0001", active=False)
    tomorrow = world.today + 1
    assert world.truth(tomorrow)["campaigns"][0]["expectedValue"] == 0
    assert world.optimal_budgets(day=tomorrow)["CMP-0001"] == 0
