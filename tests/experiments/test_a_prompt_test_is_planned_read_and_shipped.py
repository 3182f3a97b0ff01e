"""A prompt test: analysts plan it for two live versions of one prompt, approvers start
it, its readout compares the ad groups each version wrote, and shipping makes the winner
the prompt's only live version."""

import pytest
from django.core.exceptions import PermissionDenied

from campaigns.services.errors import ServiceError
from creative.models import PromptStatus
from experiments.models import ExperimentKind, ExperimentMetric, ExperimentStatus
from experiments.services import experiment_readout
from spectra.prompt_tests import prompt_test_ship, prompt_test_start
from tests.experiments.prompt_world import launches, planned, versions


def test_a_plan_says_what_it_can_detect_and_names_each_arms_version(alice):
    control, treatment = versions()
    experiment = planned(alice.account, alice.analyst, control, treatment)
    assert experiment.kind == ExperimentKind.PROMPT
    assert experiment.metric == ExperimentMetric.CTR
    assert 0 < experiment.mde <= 0.30
    assert "ad groups" in experiment.design_reason
    arms = {a.is_control: a.prompt_version_id for a in experiment.arms.all()}
    assert arms == {True: control.pk, False: treatment.pk}


def test_a_version_no_operator_published_cannot_be_tested(alice):
    control, treatment = versions()
    treatment.status = PromptStatus.DRAFT
    treatment.save()
    with pytest.raises(ServiceError, match="draft"):
        planned(alice.account, alice.analyst, control, treatment)


def test_a_test_of_one_version_against_itself_is_refused(alice):
    control, _ = versions()
    with pytest.raises(ServiceError, match="two different versions"):
        planned(alice.account, alice.analyst, control, control)


def test_a_test_too_small_to_detect_a_useful_lift_is_refused(alice):
    control, treatment = versions()
    with pytest.raises(ServiceError, match="could only detect"):
        planned(alice.account, alice.analyst, control, treatment, expected_ad_groups=4)


def test_a_viewer_cannot_plan_and_an_analyst_cannot_start(alice):
    control, treatment = versions()
    with pytest.raises(PermissionDenied):
        planned(alice.account, alice.viewer, control, treatment)
    experiment = planned(alice.account, alice.analyst, control, treatment)
    with pytest.raises(PermissionDenied):
        prompt_test_start(experiment=experiment, actor=alice.analyst)


def test_another_organizations_approver_cannot_start_it(alice, bob):
    control, treatment = versions()
    experiment = planned(alice.account, alice.analyst, control, treatment)
    with pytest.raises(PermissionDenied):
        prompt_test_start(experiment=experiment, actor=bob.approver)


def test_a_better_version_is_found_and_shipped_as_the_only_live_one(alice, superuser):
    control, treatment = versions()
    experiment = planned(alice.account, alice.analyst, control, treatment)
    experiment = prompt_test_start(experiment=experiment, actor=alice.approver, seed=3)
    assert {a.traffic_share for a in experiment.arms.all()} == {50}
    day = launches(experiment, lift=1.0)

    readout = experiment_readout(experiment=experiment, today=day)

    assert readout.decision == "ship", readout.explanation
    assert readout.low > 0 and readout.estimate > 0.4
    with pytest.raises(ServiceError, match="only Spectra's operators"):
        prompt_test_ship(experiment=experiment, actor=alice.approver)  # everyone's prompt
    shipped = prompt_test_ship(experiment=experiment, actor=superuser)
    assert shipped.status == ExperimentStatus.SHIPPED
    control.refresh_from_db()
    treatment.refresh_from_db()
    assert control.status == PromptStatus.RETIRED
    assert (treatment.status, treatment.traffic_share) == (PromptStatus.PUBLISHED, 100)
    assert treatment.history.latest().history_user == superuser


def test_an_a_a_test_is_not_shipped(alice, superuser):
    control, treatment = versions()
    experiment = planned(alice.account, alice.analyst, control, treatment)
    experiment = prompt_test_start(experiment=experiment, actor=alice.approver, seed=3)
    day = launches(experiment, lift=0.0, seed=8)

    readout = experiment_readout(experiment=experiment, today=day)

    assert readout.decision == "stop", readout.explanation
    assert readout.low < 0 < readout.high
    with pytest.raises(ServiceError, match="does not find the candidate better"):
        prompt_test_ship(experiment=experiment, actor=superuser)
    control.refresh_from_db()
    assert (control.status, control.traffic_share) == (PromptStatus.PUBLISHED, 50)


def test_ad_groups_whose_copy_mixes_both_versions_are_left_out(alice):
    control, treatment = versions()
    experiment = planned(alice.account, alice.analyst, control, treatment)
    experiment = prompt_test_start(experiment=experiment, actor=alice.approver, seed=3)
    day = launches(experiment, mixed=3)

    readout = experiment_readout(experiment=experiment, today=day)

    assert "3 ad group(s) mixing both versions are left out" in readout.explanation


def test_before_the_first_look_is_complete_the_readout_waits(alice):
    control, treatment = versions()
    experiment = planned(alice.account, alice.analyst, control, treatment)
    experiment = prompt_test_start(experiment=experiment, actor=alice.approver, seed=3)
    launches(experiment)

    readout = experiment_readout(experiment=experiment, today=experiment.start_date)

    assert readout.decision == "wait"
    assert readout.estimate is None


@pytest.mark.parametrize("metric", ["conversion_rate", "value_per_click"])
def test_conversion_rate_and_value_per_click_are_read_per_click(alice, metric):
    control, treatment = versions()
    experiment = planned(alice.account, alice.analyst, control, treatment, metric=metric)
    experiment = prompt_test_start(experiment=experiment, actor=alice.approver, seed=3)
    day = launches(experiment, lift=0.0, seed=8)

    readout = experiment_readout(experiment=experiment, today=day)

    label = ExperimentMetric(metric).label.lower()
    assert label in readout.explanation
    assert readout.estimate is not None and readout.low < readout.estimate < readout.high


def test_launches_that_drifted_from_the_traffic_split_are_flagged_not_shipped(alice):
    control, treatment = versions()
    experiment = planned(alice.account, alice.analyst, control, treatment)
    experiment = prompt_test_start(experiment=experiment, actor=alice.approver, seed=3)
    day = launches(experiment, lift=1.0, treatment_share=0.9)

    readout = experiment_readout(experiment=experiment, today=day)

    assert readout.srm_warning
    assert readout.decision == "keep_running"
    assert "do not match the traffic split" in readout.explanation
