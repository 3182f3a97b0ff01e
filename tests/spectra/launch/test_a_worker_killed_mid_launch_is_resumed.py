"""kill -9 of the worker running a launch — once during generation, once during
deployment. Once its lease runs out the sweep resumes the launch where it stopped: no
asset that existed is made again, no AI call is spent twice on a finished unit, the
platform holds no duplicate, and the campaign ends ACTIVE."""

import contextlib

import pytest
import requests

from campaigns.models import (
    Ad,
    AdGroup,
    Asset,
    Campaign,
    CampaignStatus,
    GuardrailPolicy,
    Keyword,
)
from creative.models import AICall, Purpose
from tests.executors.deploy.conftest import created, google_account, platform_writes
from tests.factories import review_as_a_person
from tests.spectra.launch.conftest import start_launch
from tests.spectra.launch.workers import cluster, kill, resume_after_the_lease, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]  # ~45 s each
S = CampaignStatus


class RealQueue:
    """start_launch's queue, left to django_q's broker: the clusters take the tasks."""

    def _capture(self, execute):
        return contextlib.nullcontext()


@pytest.fixture
def launch(alice, sandbox):
    # The organization lets a launch with nothing to review deploy on its own.
    GuardrailPolicy.objects.create(organization=alice.org, launch_requires_approval=False)
    account = google_account(alice, sandbox)
    return start_launch(alice, account, RealQueue())


def _platform_latency(sandbox, ms: int) -> None:
    response = requests.post(f"{sandbox.base_url}/_sandbox/faults", json={"latencyMs": ms})
    response.raise_for_status()


def _assets(campaign) -> set:
    return set(
        Asset.objects.filter(campaign=campaign).values_list(
            "pk", "ad_id", "kind", "position", "text", "image_url", "created_at"
        )
    )


def _on_the_platform(sandbox) -> dict:
    return {
        kind: len(created(sandbox, kind))
        for kind in ("campaignBudgets", "campaigns", "adGroups", "adGroupCriteria", "adGroupAds")
    }


def _as_spectra_has_it(campaign) -> dict:
    groups = AdGroup.objects.filter(campaign=campaign).count()
    return {
        "campaignBudgets": 1,
        "campaigns": 1,
        "adGroups": groups,
        "adGroupCriteria": Keyword.objects.filter(
            campaign=campaign, ad_group__isnull=False
        ).count(),
        "adGroupAds": Ad.objects.filter(campaign=campaign).count(),
    }


def test_a_worker_killed_during_generation_is_resumed_without_regenerating(
    launch, llm, sandbox, settings, alice
):
    llm.set_faults(latencyMs=400)  # slow enough that the kill lands inside the copy step
    worker = cluster(llm, settings.MEDIA_ROOT)
    copy_calls = AICall.objects.filter(campaign=launch, purpose=Purpose.COPY)
    try:
        wait_for(lambda: copy_calls.count() >= 2, what="copy", deadline_s=120, workers=[worker])
    finally:
        kill(worker)
    at_kill = _assets(launch)
    ads_at_kill = Ad.objects.filter(campaign=launch).count()
    groups = AdGroup.objects.filter(campaign=launch).count()
    assert at_kill and 0 < ads_at_kill < groups, "the kill did not land inside the copy step"
    assert Campaign.objects.get(pk=launch.pk).status == S.GENERATING_ASSETS

    llm.set_faults(latencyMs=0)
    resume_after_the_lease(launch, llm, settings.MEDIA_ROOT, reviewer=alice.approver)

    assert at_kill <= _assets(launch)  # what existed is kept as it was, not made again
    assert AICall.objects.filter(campaign=launch, purpose=Purpose.STRATEGY).count() == 1
    used = {
        i
        for ids in Asset.objects.filter(campaign=launch).values_list("call_ids", flat=True)
        for i in ids
    }
    unused = set(copy_calls.values_list("pk", flat=True)) - used
    assert len(unused) <= 1  # at most the call in flight when the worker died
    assert Ad.objects.filter(campaign=launch).count() == groups
    assert _on_the_platform(sandbox) == _as_spectra_has_it(launch)


def test_a_worker_killed_during_deployment_is_resumed_without_a_duplicate(
    launch, llm, sandbox, settings, alice
):
    _platform_latency(sandbox, 250)  # generation never calls the platform: only deploying
    worker = cluster(llm, settings.MEDIA_ROOT)
    try:

        def deploying() -> bool:
            campaign = Campaign.objects.get(pk=launch.pk)
            if campaign.status == S.PENDING_DEPLOYMENT:
                assert review_as_a_person(campaign, alice.approver) == []
            return campaign.status == S.DEPLOYING

        wait_for(deploying, what="generation and review", deadline_s=400, workers=[worker])
        wait_for(lambda: len(platform_writes(sandbox)) >= 3, what="deploy", deadline_s=60)
    finally:
        kill(worker)
    on_platform = _on_the_platform(sandbox)
    assert Campaign.objects.get(pk=launch.pk).status == S.DEPLOYING
    assert on_platform != _as_spectra_has_it(launch), "the kill came after the deployment"

    _platform_latency(sandbox, 0)
    resume_after_the_lease(launch, llm, settings.MEDIA_ROOT, reviewer=alice.approver)

    assert _on_the_platform(sandbox) == _as_spectra_has_it(launch)
    assert not AdGroup.objects.filter(campaign=launch, external_id="").exists()
