"""The deploy task: a platform that cannot be reached (or a gate that is closed) makes
the deployment wait two minutes and try again — waiting is no failure and uses up no
attempt; an error of Spectra's own is retried with backoff and fails the launch, saying
why, after the fifth attempt."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Brief, CampaignStatus
from spectra.launch import deploy_task
from tests.executors.deploy.conftest import make_launch
from tests.spectra.launch.conftest import brief_of, when_due

pytestmark = pytest.mark.django_db
S = CampaignStatus


def _deploying(tenant):
    """A launch approved a moment ago: in DEPLOYING with its deploy step due."""
    campaign = make_launch(tenant.account)  # alice's account answers on no port
    Brief.objects.filter(campaign=campaign).update(step="deploy", step_due_at=timezone.now())
    return campaign


def test_an_unreachable_platform_makes_the_deployment_wait_without_using_attempts(alice, queue):
    campaign = _deploying(alice)

    assert deploy_task(campaign.pk) == "waiting"
    brief = brief_of(campaign)
    assert brief.step_attempts == 0 and "tries again" in brief.step_error
    wait = brief.step_due_at - timezone.now()
    assert timedelta(seconds=110) < wait <= timedelta(seconds=120)
    assert deploy_task(campaign.pk) is None  # not due: a second delivery does nothing

    for _ in range(6):  # more waits than a failing step has attempts
        when_due(campaign, queue)
    campaign.refresh_from_db()
    assert campaign.status == S.DEPLOYING and brief_of(campaign).step_attempts == 0


def test_an_error_of_our_own_fails_the_launch_after_five_attempts(alice, queue, monkeypatch):
    campaign = _deploying(alice)

    def broken(campaign_id):
        raise RuntimeError("the plan of this launch could not be read")

    monkeypatch.setattr("spectra.launch.deploy_campaign_task", broken)

    assert deploy_task(campaign.pk) is None
    for attempt in range(2, 6):
        assert brief_of(campaign).step_attempts == attempt - 1
        when_due(campaign, queue)

    campaign.refresh_from_db()
    brief = brief_of(campaign)
    assert campaign.status == S.FAILED
    assert brief.failure_reason == (
        "Deployment failed after 5 attempts: the plan of this launch could not be read"
    )
    assert (brief.step, brief.step_due_at) == ("", None)
