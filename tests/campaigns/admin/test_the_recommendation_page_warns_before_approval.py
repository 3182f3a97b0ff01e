"""Before a person approves, the recommendation's page says what would block it now — the
executor's own rules asked live (campaigns.execution_rules) — and says nothing when
nothing would; the decision comes after the evidence; the page's queries are pinned."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import Campaign, Recommendation, RecommendationStatus
from campaigns.services.campaigns import campaign_update_limits
from campaigns.services.recommendations import recommendation_approve
from campaigns.services.switch import organization_execution_set
from tests.campaigns.admin.conftest import change_url
from tests.factories import make_recommendation

# 5 per request (session, user, memberships, permissions twice), then the recommendation
# with its account, campaign, ad group, audience and run (one join), the two compared
# weeks of metrics, the chart's 28 days (only when the evidence stores no series), and
# for the live checks the policy and today's executed changes.
PAGE_BUDGET = 10


def page(client, user, rec) -> str:
    client.force_login(user)
    response = client.get(change_url(rec))
    assert response.status_code == 200
    return response.content.decode()


def test_a_proposal_nothing_would_block_shows_no_warning(client, alice):
    content = page(client, alice.approver, make_recommendation(alice.campaign))

    assert 'id="execution-warning"' not in content


def test_a_campaign_pinned_since_approval_is_warned_of_on_the_approved_change(client, alice):
    rec = make_recommendation(alice.campaign)
    recommendation_approve(recommendation=rec, actor=alice.approver)
    campaign_update_limits(
        campaign=alice.campaign, actor=alice.analyst, reason="hands off for the launch",
        max_daily_spend=None, total_spend_limit=None, is_pinned=True,
    )  # fmt: skip

    content = page(client, alice.approver, rec)

    warning = content[content.index('id="execution-warning"') :]
    assert "is pinned: Spectra leaves it as it is (pinned)" in warning


def test_a_proposal_on_a_pinned_campaign_is_warned_of_before_approval(client, alice):
    rec = make_recommendation(alice.campaign)
    Campaign.objects.filter(pk=alice.campaign.pk).update(is_pinned=True)  # e.g. mid-recheck

    content = page(client, alice.approver, rec)

    assert "is pinned: Spectra leaves it as it is" in content
    # The warning sits right above the decision, after the evidence.
    assert content.index('id="evidence"') < content.index('id="execution-warning"')
    assert content.index('id="execution-warning"') < content.index('id="transition_form"')


def test_the_organizations_kill_switch_and_a_spend_cap_are_both_named(client, alice):
    rec = make_recommendation(alice.campaign, proposed_value=Decimal("6000"))
    organization_execution_set(
        organization=alice.org, actor=alice.admin, enabled=False, reason="quarter close"
    )
    Campaign.objects.filter(pk=alice.campaign.pk).update(max_daily_spend=Decimal("5500"))

    content = page(client, alice.approver, rec)

    warning = content[content.index('id="execution-warning"') :]
    assert "platform writes are switched off for this organization (kill switch)" in warning
    assert "₹6,000.00 is above the campaign&#x27;s max daily spend ₹5,500.00" in warning


def test_a_decided_recommendation_is_not_checked(client, alice):
    rec = make_recommendation(alice.campaign)
    Campaign.objects.filter(pk=alice.campaign.pk).update(is_pinned=True)
    Recommendation.objects.filter(pk=rec.pk).update(status=RecommendationStatus.REJECTED)

    assert 'id="execution-warning"' not in page(client, alice.approver, rec)


def test_the_decision_comes_after_the_evidence_and_the_raw_json_is_collapsed(client, alice):
    rec = make_recommendation(alice.campaign, evidence={"p_value": 0.94})
    content = page(client, alice.approver, rec)

    assert content.index('id="evidence"') < content.index('id="transition_form"')
    assert content.index("Raw evidence (JSON)") < content.index('id="transition_form"')
    raw = content[content.rindex("<fieldset", 0, content.index("Raw evidence (JSON)")) :]
    assert "collapse" in raw[:300]


def test_the_page_query_count_is_pinned(client, alice):
    rec = make_recommendation(alice.campaign)
    client.force_login(alice.approver)
    client.get(change_url(rec))  # warm per-process caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(change_url(rec)).status_code == 200
    assert len(captured.captured_queries) <= PAGE_BUDGET
