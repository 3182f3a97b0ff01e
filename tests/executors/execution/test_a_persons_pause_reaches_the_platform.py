"""A person's pause (console or API) reaches the platform: a pre-approved change the
worker writes at once; the campaign shows "Pausing…" until the platform confirms, and a
sync afterwards keeps it paused. In dry run it is simulated; read-only refuses it."""

import pytest

from campaigns.models import (
    Campaign,
    CampaignStatus,
    ExecutionMode,
    Recommendation,
    RecommendationStatus,
)
from campaigns.selectors import with_pending_status_change
from campaigns.services import campaigns as campaign_services
from campaigns.services.campaigns import campaign_pause, campaign_resume
from campaigns.services.errors import ServiceError
from executors.sync import sync_account
from tests.api.helpers import client_for
from tests.executors.conftest import WINDOW

R = RecommendationStatus


def _platform_status(sandbox, external_id):
    world = sandbox.world
    return world.campaign(world.campaign_index(external_id))["status"]


@pytest.fixture
def worker(monkeypatch):
    """The tasks enqueued after commit, and a way to run them as the qcluster would."""
    queued = []
    monkeypatch.setattr(
        campaign_services, "async_task", lambda func, *args, **kw: queued.append((func, args))
    )

    def run():
        from django.utils.module_loading import import_string

        while queued:
            func, args = queued.pop(0)
            import_string(func)(*args)

    run.queued = queued
    return run


def _campaign(account, external_id="CMP-0001"):
    return with_pending_status_change(Campaign.objects.filter(account=account)).get(
        external_id=external_id
    )


def test_a_persons_pause_is_paused_on_the_platform_and_stays_paused_after_sync(
    sandbox, live_account, alice, worker, django_capture_on_commit_callbacks
):
    campaign = _campaign(live_account)
    assert _platform_status(sandbox, "CMP-0001") == "active"

    with django_capture_on_commit_callbacks(execute=True):
        change = campaign_pause(campaign=campaign, actor=alice.analyst, reason="Spend spike")

    # Under way: Spectra says "pausing", not "paused", while the platform still runs it.
    assert (change.status, change.source, change.requires_approval) == (
        R.APPROVED,
        "person",
        False,
    )
    assert change.decided_by == alice.analyst
    pending = _campaign(live_account)
    assert (pending.status, pending.pending_status_change) == (CampaignStatus.ACTIVE, "pause")
    assert [func for func, _ in worker.queued] == ["executors.tasks.execute_approved_task"]

    worker()

    assert _platform_status(sandbox, "CMP-0001") == "paused"
    change.refresh_from_db()
    assert change.status == R.EXECUTED
    paused = _campaign(live_account)
    assert (paused.status, paused.pending_status_change) == (CampaignStatus.PAUSED, None)

    sync_account(account=live_account, date_from=WINDOW[0], date_to=WINDOW[1])

    assert _campaign(live_account).status == CampaignStatus.PAUSED
    assert _platform_status(sandbox, "CMP-0002") == "active"  # only that campaign


def test_a_sync_while_the_pause_is_pending_leaves_the_status_to_the_pipeline(
    sandbox, live_account, alice, worker
):
    campaign = _campaign(live_account)
    campaign_resume_target = _campaign(live_account, "CMP-0002")
    Campaign.objects.filter(pk=campaign_resume_target.pk).update(status=CampaignStatus.PAUSED)
    # The platform still runs CMP-0002: a person's resume is on its way for it.
    campaign_resume(campaign=campaign_resume_target, actor=alice.analyst, reason="Back on")
    campaign_pause(campaign=campaign, actor=alice.analyst, reason="Spend spike")

    sync_account(account=live_account, date_from=WINDOW[0], date_to=WINDOW[1])

    # Neither is moved by the read: the pipeline's write (and its answer) decides.
    assert _campaign(live_account, "CMP-0002").status == CampaignStatus.PAUSED
    assert _campaign(live_account).status == CampaignStatus.ACTIVE
    assert _campaign(live_account).pending_status_change == "pause"


def test_the_api_pause_goes_the_same_way_and_answers_pausing(
    sandbox, live_account, alice, worker, django_capture_on_commit_callbacks
):
    campaign = _campaign(live_account)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(alice.analyst).post(
            f"/api/v1/campaigns/{campaign.pk}/transition/",
            {"transition": "pause", "reason": "Spend spike"},
            format="json",
        )

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["pending_status_change"]) == ("active", "pausing")
    assert body["status_change_message"].startswith("Pausing…")
    worker()
    assert _platform_status(sandbox, "CMP-0001") == "paused"
    assert _campaign(live_account).status == CampaignStatus.PAUSED


def test_in_a_dry_run_account_the_pause_is_simulated_and_the_person_is_told(
    sandbox, live_account, alice, worker, django_capture_on_commit_callbacks
):
    live_account.execution_mode = ExecutionMode.DRY_RUN
    live_account.save(update_fields=["execution_mode"])
    campaign = _campaign(live_account)

    with django_capture_on_commit_callbacks(execute=True):
        change = campaign_pause(campaign=campaign, actor=alice.analyst, reason="Spend spike")
    message = campaign_services.status_change_message(change)
    worker()

    assert message.startswith("Simulated: ") and "nothing is written" in message
    change.refresh_from_db()
    assert change.status == R.SIMULATED
    assert _platform_status(sandbox, "CMP-0001") == "active"
    assert _campaign(live_account).status == CampaignStatus.ACTIVE


def test_in_a_read_only_account_the_pause_is_refused_as_blocked(sandbox, live_account, alice):
    live_account.execution_mode = ExecutionMode.READ_ONLY
    live_account.save(update_fields=["execution_mode"])

    with pytest.raises(ServiceError, match=r"^Blocked: .* read-only"):
        campaign_pause(campaign=_campaign(live_account), actor=alice.analyst, reason="Stop")

    assert not Recommendation.objects.filter(kind="pause").exists()
    assert _platform_status(sandbox, "CMP-0001") == "active"
