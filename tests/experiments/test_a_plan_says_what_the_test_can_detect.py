"""Before it starts, a plan states its design (and why) and its minimum detectable effect."""

import pytest

from campaigns.services.errors import ServiceError
from experiments.models import ExperimentKind, ExperimentStatus
from experiments.services import ExperimentPlan, experiment_plan
from tests.experiments.world import campaigns_with_history, planned


def test_it_plans_a_holdout_with_its_minimum_detectable_effect(alice):
    experiment = planned(alice.account, alice.analyst, days=28, n=16)
    assert experiment.status == ExperimentStatus.PLANNED
    assert experiment.kind == ExperimentKind.HOLDOUT
    assert "16 campaigns" in experiment.design_reason
    assert 0 < experiment.mde < 0.15
    assert experiment.plan_warning == ""
    # The tenant's own campaign has no conversion value to measure: it is left out.
    assert experiment.units.count() == 16


def test_a_longer_test_can_detect_a_smaller_lift(alice, bob):
    short = planned(alice.account, alice.analyst, days=7, n=12)
    long = planned(bob.account, bob.analyst, days=28, n=12)
    assert long.mde < short.mde


def test_it_chooses_a_switchback_under_twelve_campaigns_and_says_why(alice):
    experiment = planned(alice.account, alice.analyst, days=28, n=6)
    assert experiment.kind == ExperimentKind.SWITCHBACK
    assert "fewer than 12" in experiment.design_reason


def test_it_refuses_a_test_that_cannot_detect_a_useful_lift(alice):
    campaigns = campaigns_with_history(alice.account, 4, noise=0.9)
    with pytest.raises(ServiceError, match="could only detect a lift above"):
        experiment_plan(
            plan=ExperimentPlan(
                account=alice.account, name="Too small", planned_days=7, campaigns=campaigns
            ),
            actor=alice.analyst,
        )


def test_it_warns_when_only_a_large_lift_would_show(alice):
    campaigns = campaigns_with_history(alice.account, 12, noise=0.35)
    experiment = experiment_plan(
        plan=ExperimentPlan(
            account=alice.account, name="Noisy", planned_days=14, campaigns=campaigns
        ),
        actor=alice.analyst,
    )
    assert 0.15 < experiment.mde <= 0.30
    assert "only detect a lift of" in experiment.plan_warning


def test_it_refuses_campaigns_without_history_in_words(alice):
    with pytest.raises(ServiceError, match=r"0 running campaign.* with conversion value"):
        experiment_plan(
            plan=ExperimentPlan(account=alice.account, name="Empty", planned_days=14),
            actor=alice.analyst,
        )
