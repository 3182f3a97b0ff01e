"""The approval queue: what awaits a decision, newest first, with what a reviewer needs."""

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from campaigns.models import Recommendation, RecommendationKind, RecommendationStatus, Risk
from tests.campaigns.admin.conftest import changelist_url
from tests.factories import make_account, make_ad_group, make_campaign, make_recommendation

R = RecommendationStatus
# A reallocation waits in the queue as one row per set (tests/campaigns/admin/
# test_reallocations_in_the_queue.py).
QUEUE = changelist_url("recommendation") + "?sets=grouped&status__exact=proposed"


def _listed(response) -> list[int]:
    return [rec.pk for rec in response.context["cl"].result_list]


def _age(rec, hours: int) -> None:
    Recommendation.objects.filter(pk=rec.pk).update(
        created_at=timezone.now() - timedelta(hours=hours)
    )


def test_the_queue_link_opens_the_list_of_pending_recommendations(client, alice):
    client.force_login(alice.viewer)

    response = client.get(reverse("admin:campaigns_recommendation_queue"))

    assert response.status_code == 302
    assert response["Location"] == QUEUE


def test_the_queue_lists_only_pending_ones_newest_run_first(client, alice, bob):
    older = make_recommendation(make_campaign(alice.account))
    newer = make_recommendation(make_campaign(alice.account))
    decided = make_recommendation(alice.campaign, status=R.APPROVED)
    _age(alice.recommendation, 72)
    _age(older, 48)
    _age(decided, 1)
    client.force_login(alice.approver)

    listed = _listed(client.get(QUEUE))

    assert listed == [newer.pk, older.pk, alice.recommendation.pk]
    assert decided.pk not in listed and bob.recommendation.pk not in listed


def test_a_row_shows_the_change_confidence_impact_and_a_one_line_reason(client, alice):
    campaign = make_campaign(alice.account, name="Diwali search", daily_budget=Decimal("500000"))
    make_recommendation(
        campaign,
        proposed_value=Decimal("600000"),
        confidence=Decimal("0.9312"),
        expected_impact=Decimal("125000.50"),
        reason="Raise the daily budget: " + "the marginal ROAS is well above the portfolio's " * 5,
    )
    client.force_login(alice.viewer)

    content = client.get(QUEUE).content.decode()

    assert "Diwali search" in content
    assert "₹5,00,000 → ₹6,00,000 (+20 %)" in content
    assert "93 %" in content
    assert "₹1,25,000.50" in content
    assert "Raise the daily budget: the marginal ROAS" in content
    # The stylesheet cuts the reason to one line; the tooltip holds it whole.
    assert 'class="reason" title="Raise the daily budget: the marginal ROAS' in content


def test_filters_narrow_by_account_kind_risk_and_approval(client, alice):
    other_account = make_account(alice.org, name="alice second account")
    ad_group = make_ad_group(make_campaign(other_account))
    wanted = make_recommendation(
        ad_group.campaign,
        kind=RecommendationKind.BID,
        ad_group=ad_group,
        current_value=Decimal("15.50"),
        proposed_value=Decimal("17.00"),
        risk=Risk.HIGH,
        requires_approval=True,
    )
    make_recommendation(ad_group.campaign, risk=Risk.HIGH)  # a budget change
    make_recommendation(ad_group.campaign, kind=RecommendationKind.BID, ad_group=ad_group)
    client.force_login(alice.approver)

    response = client.get(
        f"{QUEUE}&account={other_account.pk}&kind__exact=bid&risk__exact=high"
        "&requires_approval__exact=1"
    )

    assert _listed(response) == [wanted.pk]


def test_the_account_filter_offers_only_the_users_own_accounts(client, alice, bob):
    client.force_login(alice.approver)

    content = client.get(QUEUE).content.decode()

    assert "alice account" in content
    assert "bob account" not in content
