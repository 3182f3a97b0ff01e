"""A step that fails is retried later (60, 120, 300, 600 s), its last error kept in
words; after the fifth attempt it is given up: images leave the launch text-only and it
goes on to review, copy fails the launch with the reason."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import CampaignStatus
from creative.launch import steps
from creative.launch.images import TEXT_ONLY_FLAG
from spectra.launch import resume_launches
from tests.spectra.launch.conftest import brief_of, failing, start_launch, when_due

pytestmark = pytest.mark.django_db
S = CampaignStatus
DOWN = "The image service is not answering; try again later."


def _fail_four_times(campaign, queue, step: str) -> list[int]:
    """Run the step's first attempt and three retries; the delays set after each."""
    delays, ran_at = [], timezone.now()
    queue.run_next()
    for attempt in range(1, 5):
        brief = brief_of(campaign)
        assert (brief.step, brief.step_attempts) == (step, attempt)
        delays.append(round((brief.step_due_at - ran_at).total_seconds() / 60))
        if attempt < 4:
            ran_at = when_due(campaign, queue)
    return delays


def _until(campaign, queue, step: str) -> None:
    while brief_of(campaign).step != step:
        queue.run_next()


def test_images_failing_five_times_go_text_only_and_the_launch_reaches_review(
    llm, alice, queue, monkeypatch
):
    campaign = start_launch(alice, alice.account, queue)
    _until(campaign, queue, "images")
    monkeypatch.setitem(steps.RUNNERS, "images", failing(DOWN))

    delays = _fail_four_times(campaign, queue, "images")

    assert delays == [1, 2, 5, 10]  # minutes
    brief = brief_of(campaign)
    assert brief.step_error == DOWN
    assert resume_launches() == 0  # not due yet: nothing is queued early
    assert campaign.assets.filter(kind="headline").exists()

    when_due(campaign, queue)  # the fifth attempt fails too, and images are given up

    campaign.refresh_from_db()
    brief = brief_of(campaign)
    assert campaign.status == S.PENDING_DEPLOYMENT
    assert brief.text_only and TEXT_ONLY_FLAG in brief.review_flags
    assert not campaign.assets.filter(kind="image").exists()
    assert (brief.step, brief.step_due_at) == ("", None)


def test_copy_failing_five_times_fails_the_launch_saying_why(llm, alice, queue, monkeypatch):
    campaign = start_launch(alice, alice.account, queue)
    _until(campaign, queue, "copy")
    monkeypatch.setitem(steps.RUNNERS, "copy", failing("The model is not answering."))

    _fail_four_times(campaign, queue, "copy")
    when_due(campaign, queue)

    campaign.refresh_from_db()
    brief = brief_of(campaign)
    assert campaign.status == S.FAILED
    assert brief.failure_reason == (
        "The copy step failed after its retries: The model is not answering. (5 attempts)"
    )
    assert brief.step == "" and resume_launches() == 0
    with_later_clock = timezone.now() + timedelta(days=1)
    assert not type(brief).objects.filter(step_due_at__lte=with_later_clock).exists()
