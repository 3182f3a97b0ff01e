"""The approval queue sorts by what a reviewer triages on: the change, its size, the
expected impact, the risk and the age; and tells accounts with same-named campaigns apart."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.models import Recommendation, RecommendationKind, Risk
from tests.campaigns.admin.conftest import changelist_url
from tests.factories import make_account, make_audience, make_campaign, make_recommendation

QUEUE = changelist_url("recommendation") + "?status__exact=proposed&change_set__isnull=True"


def _column(response, name: str) -> int:
    return response.context["cl"].list_display.index(name)


def _sorted(client, name: str, descending: bool = False) -> list[int]:
    column = client.get(QUEUE).context["cl"].list_display.index(name)
    response = client.get(f"{QUEUE}&o={'-' if descending else ''}{column}")
    assert response.status_code == 200
    return [rec.pk for rec in response.context["cl"].result_list]


@pytest.fixture
def queue(alice):
    """Four proposals in alice's account, each first on a different column."""
    campaign = make_campaign(alice.account, daily_budget=Decimal("1000"))
    alice.recommendation.delete()
    rows = {
        # +10 %, a big impact, low risk, a day old
        "small_rise": make_recommendation(
            campaign,
            current_value=Decimal("1000"),
            proposed_value=Decimal("1100"),
            expected_impact=Decimal("900"),
            risk=Risk.LOW,
        ),
        # -30 %: the biggest step, and the only decrease
        "big_cut": make_recommendation(
            campaign,
            current_value=Decimal("1000"),
            proposed_value=Decimal("700"),
            expected_impact=Decimal("-50"),
            risk=Risk.HIGH,
        ),
        # +20 %, medium risk, no impact recorded
        "rise": make_recommendation(
            campaign,
            current_value=Decimal("1000"),
            proposed_value=Decimal("1200"),
            expected_impact=None,
            risk=Risk.MEDIUM,
        ),
        # an audience change has no amounts
        "audience": make_recommendation(
            campaign,
            kind=RecommendationKind.AUDIENCE_ACTIVATE,
            audience=make_audience(alice.account),
            current_value=None,
            proposed_value=None,
            expected_impact=Decimal("10"),
            risk=Risk.LOW,
        ),
    }
    for hours, name in enumerate(["rise", "big_cut", "audience", "small_rise"]):
        Recommendation.objects.filter(pk=rows[name].pk).update(
            created_at=timezone.now() - timedelta(hours=hours * 24 + 1)
        )
    return {name: rec.pk for name, rec in rows.items()}


def test_it_sorts_by_the_size_of_the_change_whichever_its_direction(client, alice, queue):
    client.force_login(alice.viewer)

    assert _sorted(client, "change_size_display", descending=True) == [
        queue["big_cut"],
        queue["rise"],
        queue["small_rise"],
        queue["audience"],
    ]


def test_it_sorts_by_the_change_from_the_deepest_cut_to_the_biggest_rise(client, alice, queue):
    client.force_login(alice.viewer)

    assert _sorted(client, "change_short") == [
        queue["big_cut"],
        queue["audience"],
        queue["small_rise"],
        queue["rise"],
    ]


def test_it_sorts_by_expected_impact_with_none_recorded_as_zero(client, alice, queue):
    client.force_login(alice.viewer)

    assert _sorted(client, "impact_short", descending=True) == [
        queue["small_rise"],
        queue["audience"],
        queue["rise"],
        queue["big_cut"],
    ]


def test_it_sorts_by_risk_high_first_not_alphabetically(client, alice, queue):
    client.force_login(alice.viewer)

    listed = _sorted(client, "risk_display", descending=True)

    assert listed[:2] == [queue["big_cut"], queue["rise"]]
    assert set(listed[2:]) == {queue["small_rise"], queue["audience"]}


def test_it_sorts_by_age_oldest_first(client, alice, queue):
    client.force_login(alice.viewer)

    assert _sorted(client, "age_display", descending=True) == [
        queue["small_rise"],
        queue["audience"],
        queue["big_cut"],
        queue["rise"],
    ]


def test_a_row_names_its_account_so_same_named_campaigns_are_told_apart(client, alice):
    second = make_account(alice.org, name="alice India")
    make_recommendation(make_campaign(second, name=alice.campaign.name))
    client.force_login(alice.viewer)

    response = client.get(QUEUE)
    content = response.content.decode()

    assert _column(response, "account_display") < _column(response, "target")
    assert '<td class="field-account_display"><span title="alice India">' in content
    assert f'<span title="{alice.account.name}">' in content


def test_the_reason_is_whole_in_its_tooltip_and_cut_to_one_line_by_the_stylesheet(client, alice):
    reason = "Raise the daily budget: " + "the marginal ROAS is well above the portfolio's " * 5
    make_recommendation(alice.campaign, reason=reason)
    client.force_login(alice.viewer)

    content = client.get(QUEUE).content.decode()

    assert f'<span class="reason" title="{reason}">{reason}</span>' in content.replace(
        "&#x27;", "'"
    )
    assert "text-overflow: ellipsis" in content
