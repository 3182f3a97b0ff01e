"""On Adobe a creative's copy is edited in place: rolling back to the launch version
puts the launch's headlines back on the same creative, once, with its idempotency key;
a keyword change, which Adobe's ad groups do not take from Spectra, is refused in words."""

import pytest

from campaigns.models import AdGroup, RecommendationStatus
from campaigns.services.rollback import campaign_rollback_to_version
from executors.tasks import execute_approved_task
from tests.executors.deploy.conftest import HEADLINES, adobe_account, created, platform_writes
from tests.executors.versions.conftest import add_keyword, edit_headline, launched, run_worker

pytestmark = pytest.mark.django_db
S = RecommendationStatus


def _creative(sandbox, campaign, group_name):
    group = AdGroup.objects.get(campaign=campaign, name=group_name)
    [creative] = [
        c for c in created(sandbox, "creatives", "adobe") if c["adGroupId"] == group.external_id
    ]
    return creative


def test_the_creative_shows_the_launch_headlines_again(alice, sandbox):
    campaign, launch = launched(alice, sandbox, account=adobe_account(alice, sandbox))
    edit = edit_headline(campaign, alice.approver, "Wool socks", HEADLINES[0], "Socks half price")
    run_worker(campaign.account)
    edit.refresh_from_db()
    assert edit.status == S.EXECUTED, edit.outcome_detail
    assert _creative(sandbox, campaign, "Wool socks")["headlines"][0] == "Socks half price"

    [rec] = campaign_rollback_to_version(
        campaign=campaign, history_id=launch, actor=alice.approver, note="Back to launch"
    )
    execute_approved_task(campaign.account_id)
    execute_approved_task(campaign.account_id)  # delivered twice

    rec.refresh_from_db()
    assert rec.status == S.EXECUTED, rec.outcome_detail
    assert _creative(sandbox, campaign, "Wool socks")["headlines"] == HEADLINES
    patches = [w for w in platform_writes(sandbox) if w["path"].startswith("/creatives/")]
    assert len(patches) == 2  # the edit and its rollback, each once
    assert patches[1]["idempotencyKey"] == str(rec.idempotency_key)


def test_a_keyword_change_on_adobe_is_blocked_saying_why(alice, sandbox):
    campaign, _ = launched(alice, sandbox, account=adobe_account(alice, sandbox))
    rec = add_keyword(campaign, alice.approver, "Wool socks", "cheap wool socks")
    run_worker(campaign.account)
    rec.refresh_from_db()
    assert rec.status == S.BLOCKED
    assert "Adobe Advertising" in rec.outcome_detail
