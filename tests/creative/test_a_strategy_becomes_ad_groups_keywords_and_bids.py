"""The strategy step turns the model's plan into the campaign's ad groups (names unique
in the campaign, starting bids in the account's currency within sane bounds), their
keywords with match types, negatives (the ones every group shares at campaign level)
and the audience suggestions the reviewer sees."""

from decimal import Decimal

import pytest

from campaigns.models import Brief, Keyword
from creative.launch.steps import run_step
from creative.launch.strategy import bid_bounds, starting_bid
from tests.creative.launches import make_launch


@pytest.mark.parametrize(
    ("model_bid", "daily", "currency", "expected"),
    [
        (1.234, "200.00", "GBP", "1.23"),  # rounded to the pence
        (999.0, "200.00", "GBP", "20.00"),  # at most a tenth of the day's budget
        (0.001, "200.00", "GBP", "0.10"),  # at least ten of the smallest unit
        (12.6, "50000", "JPY", "13"),  # yen have no minor unit
    ],
)
def test_a_starting_bid_is_rounded_and_clamped_in_the_accounts_currency(
    model_bid, daily, currency, expected
):
    assert starting_bid(model_bid, Decimal(daily), currency) == Decimal(expected)


def test_bounds_never_cross_on_a_tiny_budget():
    low, high = bid_bounds(Decimal("0.50"), "GBP")
    assert low == high == Decimal("0.10")


def test_the_plan_becomes_rows_of_this_campaign(llm, alice):
    campaign = make_launch(alice)

    run_step(campaign.pk, "strategy")

    groups = list(campaign.ad_groups.all())
    assert groups
    names = [g.name.lower() for g in groups]
    assert len(names) == len(set(names))
    low, high = bid_bounds(campaign.daily_budget, "GBP")
    assert all(low <= g.bid <= high and g.external_id == "" for g in groups)
    keywords = Keyword.objects.filter(campaign=campaign)
    assert keywords.filter(negative=False, ad_group__isnull=False).exists()
    assert set(keywords.values_list("match_type", flat=True)) <= {"EXACT", "PHRASE", "BROAD"}
    assert not keywords.filter(negative=False, ad_group__isnull=True).exists()
    assert Brief.objects.get(campaign=campaign).audience_suggestions


def test_negatives_every_ad_group_shares_are_the_campaigns(llm, alice):
    campaign = make_launch(alice)
    llm.set_faults(next=["invalid_json", "invalid_json"])  # the fallback: one group

    run_step(campaign.pk, "strategy")

    negatives = Keyword.objects.filter(campaign=campaign, negative=True)
    assert set(negatives.values_list("text", "ad_group")) == {("free", None), ("jobs", None)}


def test_a_new_attempt_starts_without_the_last_attempts_flags(llm, alice):
    campaign = make_launch(alice, text_only=True, review_flags=["images failed: text-only"])

    run_step(campaign.pk, "strategy")

    brief = Brief.objects.get(campaign=campaign)
    assert not brief.text_only and brief.review_flags == []


def test_every_keyword_names_the_prompt_version_that_proposed_it(llm, alice):
    from creative.models import AICall, Purpose

    campaign = make_launch(alice)

    run_step(campaign.pk, "strategy")

    call = AICall.objects.filter(campaign=campaign, purpose=Purpose.STRATEGY).latest("created_at")
    versions = set(
        Keyword.objects.filter(campaign=campaign).values_list("prompt_version_id", flat=True)
    )
    assert versions == {call.prompt_version_id}
