"""optimize_account: one run per account and day, explained recommendations with history,
earlier proposals superseded, failed runs retried, and only analysts of the account's
organization may run it."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from campaigns.models import GuardrailPolicy, Recommendation, RecommendationStatus
from campaigns.services.recommendations import recommendation_approve
from optimizer import services
from optimizer.models import OptimizationRun, RunStatus
from optimizer.services import optimize_account
from tests.factories import make_ad_group, make_campaign, make_recommendation
from tests.optimizer.builders import AS_OF, write_daily_metrics

NOW = datetime.combine(AS_OF, datetime.min.time(), tzinfo=UTC) + timedelta(hours=6)
R = RecommendationStatus


@pytest.fixture
def portfolio(alice):
    """Alice's campaign earns ₹6 per ₹1; a second campaign of her account earns ₹1.50."""
    weak = make_campaign(alice.account, name="alice weak campaign")
    weak_group = make_ad_group(weak, name="alice weak ad group")
    write_daily_metrics(alice.campaign, alice.ad_group, roas=6.0, seed=1)
    write_daily_metrics(weak, weak_group, roas=1.5, seed=2)
    policy = GuardrailPolicy.objects.create(organization=alice.org)
    alice.weak = weak
    alice.policy = policy
    return alice


def run_for(tenant, actor=None):
    return optimize_account(account=tenant.account, as_of=AS_OF, actor=actor, now=NOW)


def test_it_proposes_more_budget_for_the_strong_campaign_and_less_for_the_weak(portfolio):
    run = run_for(portfolio, portfolio.analyst)

    assert run.status == RunStatus.SUCCEEDED
    budgets = {r.campaign_id: r for r in run.recommendations.filter(kind="budget")}
    strong, weak = budgets[portfolio.campaign.pk], budgets[portfolio.weak.pk]
    assert strong.proposed_value > strong.current_value == Decimal("5000.00")
    assert weak.proposed_value < weak.current_value == Decimal("5000.00")
    assert strong.proposed_value + weak.proposed_value == Decimal("10000.00")
    assert run.proposed == run.recommendations.count()


def test_running_twice_for_the_same_day_returns_the_same_run_and_creates_nothing(portfolio):
    first = run_for(portfolio, portfolio.analyst)
    recommendations = Recommendation.objects.count()
    history = Recommendation.history.count()

    second = run_for(portfolio, portfolio.analyst)

    assert second.pk == first.pk
    assert OptimizationRun.objects.filter(account=portfolio.account).count() == 1
    assert Recommendation.objects.count() == recommendations
    assert Recommendation.history.count() == history


def test_every_recommendation_carries_its_reason_evidence_policy_expiry_and_key(portfolio):
    run = run_for(portfolio, portfolio.analyst)

    recommendations = list(run.recommendations.all())
    assert recommendations
    assert len({r.idempotency_key for r in recommendations}) == len(recommendations)
    for rec in recommendations:
        assert rec.status == R.PROPOSED
        assert rec.reason.startswith(("Raise the daily budget", "Lower the daily budget"))
        assert "week-over-week ROAS trend" in rec.reason
        assert rec.policy_version == portfolio.policy.version
        assert rec.expires_at == NOW + timedelta(hours=48)
        assert rec.idempotency_key is not None
        week_over_week = rec.evidence["roas_week_over_week"]
        assert week_over_week["metric"] == "roas"
        assert isinstance(week_over_week["statistic"], float)
        assert 0 <= week_over_week["p_value"] <= 1
        assert rec.evidence["series"]["dates"]  # the days the decision rests on


def test_each_recommendation_has_a_history_row_naming_the_actor_and_the_run(portfolio):
    run = run_for(portfolio, portfolio.analyst)

    for rec in run.recommendations.all():
        (row,) = Recommendation.history.filter(id=rec.pk)
        assert row.history_user == portfolio.analyst
        assert row.history_change_reason == f"Proposed by optimisation run #{run.pk}"


def test_a_task_run_names_the_system_user(portfolio):
    run = run_for(portfolio)

    rows = Recommendation.history.filter(id__in=run.recommendations.values("pk"))
    assert rows.exists()
    assert {row.history_user.username for row in rows} == {"spectra-system"}


def test_an_earlier_proposal_for_the_same_campaign_is_superseded(portfolio, bob):
    earlier = portfolio.recommendation  # PROPOSED budget change for alice's campaign

    run = run_for(portfolio, portfolio.analyst)

    earlier.refresh_from_db()
    assert earlier.status == R.EXPIRED
    latest = Recommendation.history.filter(id=earlier.pk).latest("history_date")
    assert latest.history_change_reason == f"Superseded by optimisation run #{run.pk}"
    assert latest.history_user == portfolio.analyst
    assert run.superseded == 1
    bob.recommendation.refresh_from_db()
    assert bob.recommendation.status == R.PROPOSED  # another tenant's proposal is untouched


def test_an_approved_recommendation_for_the_same_campaign_is_left_alone(portfolio):
    approved = recommendation_approve(
        recommendation=make_recommendation(portfolio.campaign), actor=portfolio.approver
    )

    run_for(portfolio, portfolio.analyst)

    approved.refresh_from_db()
    assert approved.status == R.APPROVED


def test_a_run_that_failed_is_retried_by_the_next_call(portfolio, monkeypatch):
    real_plan = services.plan_account
    calls = []

    def fail_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("solver fell over")
        return real_plan(*args, **kwargs)

    monkeypatch.setattr(services, "plan_account", fail_once)

    with pytest.raises(RuntimeError):
        run_for(portfolio, portfolio.analyst)
    failed = OptimizationRun.objects.get(account=portfolio.account, as_of=AS_OF)
    assert failed.status == RunStatus.FAILED
    assert "solver fell over" in failed.error
    assert not failed.recommendations.exists()

    retried = run_for(portfolio, portfolio.analyst)

    assert retried.pk == failed.pk
    assert retried.status == RunStatus.SUCCEEDED
    assert retried.error == ""
    assert retried.recommendations.filter(kind="budget").count() == 2


def test_a_user_of_another_organization_cannot_run_the_account(portfolio, bob):
    with pytest.raises(PermissionDenied):
        run_for(portfolio, bob.analyst)
    assert not OptimizationRun.objects.filter(account=portfolio.account).exists()


def test_a_viewer_cannot_run_the_account(portfolio):
    with pytest.raises(PermissionDenied):
        run_for(portfolio, portfolio.viewer)
    assert not OptimizationRun.objects.filter(account=portfolio.account).exists()
