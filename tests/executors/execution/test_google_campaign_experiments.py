"""A Google campaign experiment is created, scheduled, read back and ended over HTTP,
against the sandbox's ExperimentService — following the experiment's state."""

import pytest

from campaigns.models import Campaign, ExecutionMode
from executors.clients.errors import PlatformError
from executors.clients.factory import client_for
from experiments.models import Experiment, ExperimentArm, ExperimentKind, ExperimentUnit
from experiments.services import experiment_ship, experiment_start, experiment_stop
from spectra.platform_experiments import platform_experiment_sync


def _platform_experiment(account, approver, name="New bid strategy"):
    experiment = Experiment.objects.create(
        account=account, kind=ExperimentKind.PLATFORM, name=name, planned_days=28
    )
    ExperimentArm.objects.create(experiment=experiment, name="control", is_control=True)
    ExperimentArm.objects.create(experiment=experiment, name="treatment")
    campaign = Campaign.objects.filter(account=account).order_by("external_id").first()
    ExperimentUnit.objects.create(experiment=experiment, campaign=campaign)
    return experiment_start(experiment=experiment, actor=approver), campaign


def test_starting_creates_a_fifty_fifty_experiment_on_google_and_reads_it_back(
    google_account, alice
):
    experiment, campaign = _platform_experiment(google_account, alice.approver)

    synced = platform_experiment_sync(experiment)

    assert synced.platform_experiment.startswith("customers/1234567890/experiments/")
    assert synced.platform_status == "ENABLED"
    read = client_for(google_account).experiment(synced.platform_experiment)
    assert read["type"] == "SEARCH_CUSTOM"
    control, treatment = sorted(read["arms"], key=lambda a: not a["control"])
    assert control["campaigns"] == [f"customers/1234567890/campaigns/{campaign.external_id}"]
    assert control["trafficSplit"] == treatment["trafficSplit"] == "50"  # an int64
    assert treatment["inDesignCampaigns"]


def test_shipping_promotes_it_and_stopping_ends_it(google_account, alice):
    shipped, _ = _platform_experiment(google_account, alice.approver, name="Ship me")
    platform_experiment_sync(shipped)
    shipped = experiment_ship(experiment=shipped, actor=alice.approver, note="better")
    assert platform_experiment_sync(shipped).platform_status == "PROMOTED"

    Experiment.objects.filter(pk=shipped.pk).delete()
    stopped, _ = _platform_experiment(google_account, alice.approver, name="Stop me")
    platform_experiment_sync(stopped)
    stopped = experiment_stop(experiment=stopped, actor=alice.approver, note="worse")
    assert platform_experiment_sync(stopped).platform_status == "HALTED"


def test_a_dry_run_account_writes_no_experiment_and_says_why(google_account, alice):
    google_account.execution_mode = ExecutionMode.DRY_RUN
    google_account.save(update_fields=["execution_mode"])
    experiment, _ = _platform_experiment(google_account, alice.approver)

    synced = platform_experiment_sync(experiment)

    assert synced.platform_experiment == ""
    assert "dry" in synced.platform_note.lower()


def test_the_sandbox_refuses_splits_that_do_not_total_100(google_account):
    client = client_for(google_account)
    created = client.mutate_operations(
        "experiments",
        [{"create": {"name": "Bad split", "type": "SEARCH_CUSTOM", "suffix": " [t]"}}],
        partial_failure=False,
    )
    name = created["results"][0]["resourceName"]
    client.mutate_operations(
        "experimentArms",
        [{"create": {"experiment": name, "name": "t", "control": False, "trafficSplit": "30"}}],
        partial_failure=False,
    )
    with pytest.raises(PlatformError, match=r"ARMS_REQUIRED|INVALID_TRAFFIC_SPLIT"):
        client.experiment_action(name, "scheduleExperiment")
