"""An experiment's control campaigns are held: Spectra proposes, the executor does not write.
Shipping the experiment releases what was held back, through the same pipeline."""

from campaigns.models import Campaign, RecommendationStatus, Source
from executors.pipeline import execute_recommendation
from experiments.models import Experiment, ExperimentArm, ExperimentKind, ExperimentUnit
from experiments.selectors import held_campaign_ids
from experiments.services import experiment_ship, experiment_start, experiment_stop
from tests.executors.execution.conftest import approved_budget, platform_budget, sandbox_writes


def _running_holdout(account, approver):
    experiment = Experiment.objects.create(
        account=account, kind=ExperimentKind.HOLDOUT, name="Holdout", planned_days=28
    )
    ExperimentArm.objects.create(experiment=experiment, name="control", is_control=True)
    ExperimentArm.objects.create(experiment=experiment, name="treatment")
    for campaign in Campaign.objects.filter(account=account):
        ExperimentUnit.objects.create(experiment=experiment, campaign=campaign)
    return experiment_start(experiment=experiment, actor=approver, seed=11)


def _one_of(experiment, *, control: bool) -> str:
    unit = experiment.units.filter(arm__is_control=control).select_related("campaign").first()
    return unit.campaign.external_id


def test_a_control_campaigns_change_is_blocked_and_the_treatments_goes(
    sandbox, live_account, alice
):
    experiment = _running_holdout(live_account, alice.approver)
    held, treated = _one_of(experiment, control=True), _one_of(experiment, control=False)
    before = platform_budget(sandbox, held)
    assert Campaign.objects.get(account=live_account, external_id=held).pk in held_campaign_ids(
        live_account
    )

    blocked = execute_recommendation(
        approved_budget(live_account, alice.approver, external_id=held).pk
    )
    done = execute_recommendation(
        approved_budget(live_account, alice.approver, external_id=treated).pk
    )

    assert blocked.status == RecommendationStatus.BLOCKED
    assert blocked.outcome_detail.startswith("held_by_experiment:")
    assert "Holdout" in blocked.outcome_detail
    assert platform_budget(sandbox, held) == before
    assert done.status == RecommendationStatus.EXECUTED
    writes = sandbox_writes(sandbox)["writes"]
    assert [w["idempotencyKey"] for w in writes] == [str(done.idempotency_key)]


def test_a_persons_change_to_a_held_campaign_still_goes(sandbox, live_account, alice):
    experiment = _running_holdout(live_account, alice.approver)
    held = _one_of(experiment, control=True)

    done = execute_recommendation(
        approved_budget(live_account, alice.approver, external_id=held, source=Source.PERSON).pk
    )

    assert done.status == RecommendationStatus.EXECUTED


def test_shipping_releases_the_held_changes_and_they_are_executed(sandbox, live_account, alice):
    experiment = _running_holdout(live_account, alice.approver)
    held = _one_of(experiment, control=True)
    rec = approved_budget(live_account, alice.approver, external_id=held)
    assert execute_recommendation(rec.pk).status == RecommendationStatus.BLOCKED

    experiment_ship(experiment=experiment, actor=alice.approver, note="+8 % lift")
    done = execute_recommendation(rec.pk)

    assert held_campaign_ids(live_account) == set()
    assert done.status == RecommendationStatus.EXECUTED
    assert platform_budget(sandbox, held) == rec.proposed_value


def test_stopping_releases_the_hold_without_applying_what_was_held(sandbox, live_account, alice):
    experiment = _running_holdout(live_account, alice.approver)
    held = _one_of(experiment, control=True)
    rec = approved_budget(live_account, alice.approver, external_id=held)
    execute_recommendation(rec.pk)

    experiment_stop(experiment=experiment, actor=alice.approver, note="no lift")

    rec.refresh_from_db()
    assert rec.status == RecommendationStatus.BLOCKED
    assert not Campaign.objects.filter(account=live_account).exclude(experiment_hold="").exists()
