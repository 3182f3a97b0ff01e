"""A launch that failed, sent back to draft and generated again starts from nothing:
the earlier attempt's ad groups, keywords, ads, assets and image files are removed (the
history names who and why), so the steps — which keep what exists — plan afresh."""

from pathlib import Path

import pytest

from campaigns.actors import system_user
from campaigns.models import Asset, CampaignStatus
from campaigns.services.launches import launch_fail, launch_generate, launch_reset
from tests.creative.launches import rows
from tests.spectra.launch.conftest import brief_of, start_launch

pytestmark = pytest.mark.django_db


def _images(settings) -> set[Path]:
    return set(Path(settings.MEDIA_ROOT).rglob("*.png"))


def test_generating_again_removes_the_earlier_attempt_and_plans_afresh(llm, alice, queue, settings):
    campaign = start_launch(alice, alice.account, queue)
    while brief_of(campaign).step != "safety":
        queue.run_next()
    queue.tasks.clear()  # the safety step never runs: the model went down for good
    before = rows(campaign)
    assert before["assets"] and _images(settings)
    launch_fail(campaign=campaign, actor=system_user(), reason="The model was down.")
    launch_reset(campaign=campaign, actor=alice.analyst, reason="The model is back")

    with queue._capture(execute=True):
        launch_generate(campaign=campaign, actor=alice.analyst)

    assert rows(campaign) == {"groups": [], "keywords": [], "ads": [], "assets": []}
    assert _images(settings) == set()
    removed = Asset.history.filter(history_type="-", campaign_id=campaign.pk)
    assert removed.count() == len(before["assets"])
    assert {(r.history_user, r.history_change_reason) for r in removed} == {
        (alice.analyst, "Launch restarted: the earlier attempt's assets are removed")
    }
    assert brief_of(campaign).step == "strategy"

    queue.drain()

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PENDING_DEPLOYMENT
    after = rows(campaign)
    assert after["assets"] and not {a[0] for a in after["assets"]} & {
        a[0] for a in before["assets"]
    }


def test_another_tenants_launch_is_left_alone(llm, alice, bob, queue):
    theirs = start_launch(bob, bob.account, queue, name="Bob's launch")
    queue.drain()
    kept = rows(theirs)
    ours = start_launch(alice, alice.account, queue)
    queue.tasks.clear()
    launch_fail(campaign=ours, actor=system_user(), reason="The model was down.")
    launch_reset(campaign=ours, actor=alice.analyst, reason="Again")

    with queue._capture(execute=True):
        launch_generate(campaign=ours, actor=alice.analyst)

    assert rows(theirs) == kept
