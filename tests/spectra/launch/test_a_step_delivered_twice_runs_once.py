"""At-least-once delivery: the same step's task delivered twice (or a stale one after
the launch moved on) runs the step once; the other delivery claims nothing."""

import pytest

from campaigns.models import Brief, CampaignStatus
from spectra.launch import generate_task
from tests.creative.launches import ai_calls
from tests.spectra.launch.conftest import start_launch

pytestmark = pytest.mark.django_db


def test_a_second_delivery_of_a_step_finds_no_claim_and_calls_no_model(llm, alice, queue):
    campaign = start_launch(alice, alice.account, queue)
    assert queue.tasks and queue.tasks[0][0] == "spectra.launch.generate_task"

    assert generate_task(campaign.pk, "strategy") == "copy"
    calls = ai_calls(campaign)
    assert calls > 0

    # The broker delivers the first task again, and the original (step not named) too.
    assert generate_task(campaign.pk, "strategy") is None
    queue.run_next()  # the initial delivery: the brief's current step is copy now…
    copy_calls = ai_calls(campaign) - calls
    assert copy_calls > 0
    assert generate_task(campaign.pk, "copy") is None  # …so this copy delivery is late

    assert ai_calls(campaign) == calls + copy_calls
    brief = Brief.objects.get(campaign=campaign)
    assert brief.step == "images" and brief.step_attempts == 0


def test_a_launch_run_by_its_queued_tasks_reaches_review_with_nothing_left_to_run(
    llm, alice, queue
):
    campaign = start_launch(alice, alice.account, queue)

    queue.drain()

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PENDING_DEPLOYMENT
    assert [step for _, *rest in queue.ran for step in rest[1:]] == ["copy", "images", "safety"]
    brief = Brief.objects.get(campaign=campaign)
    assert (brief.step, brief.step_due_at) == ("", None)
