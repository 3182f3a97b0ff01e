"""Real `qcluster` processes running a launch on this test's database, killed with
SIGKILL where the test says, and the sweep that resumes what they left."""

import signal
import time

from django.utils import timezone

from campaigns.models import Brief, Campaign, CampaignStatus
from spectra.launch import resume_launches
from tests.factories import review_as_a_person
from tests.reliability.test_qclusters import _cluster, _stop

# Short enough for a test to wait out; a step of the launch still fits in it.
TIMEOUT_S = 10


def cluster(llm, media_root):
    """A cluster whose lease is its task timeout (no margin), on the model sandbox."""
    return _cluster(
        timeout=TIMEOUT_S,
        retry=TIMEOUT_S + 2,
        LAUNCH_LEASE_MARGIN_S="0",
        SANDBOX_LLM_URL=llm.base_url,
        SPECTRA_LLM_BASE_URL="",
        SPECTRA_LLM_REQUESTS_PER_MINUTE="100000",
        SPECTRA_MEDIA_ROOT=str(media_root),
    )


def wait_for(condition, *, what: str, deadline_s: float, workers=()):
    deadline = time.monotonic() + deadline_s
    while not condition():
        for worker in workers:
            assert worker.poll() is None, _stop(worker)[0][-3000:]
        assert time.monotonic() < deadline, f"{what} did not happen in {deadline_s:.0f}s"
        time.sleep(0.05)


def kill(worker) -> None:
    _stop(worker, sig=signal.SIGKILL)


def resume_after_the_lease(campaign, llm, media_root, *, reviewer, deadline_s: float = 240):
    """Wait out the dead worker's lease, then run the sweep as its schedule would (every
    few seconds here) beside a fresh cluster until the campaign is ACTIVE; a launch that
    stops in review is reviewed by `reviewer` (as a person would)."""
    lease = Brief.objects.get(campaign=campaign).step_due_at
    assert lease is not None and lease > timezone.now(), "the kill left no lease to expire"
    wait_for(lambda: timezone.now() > lease, what="the lease running out", deadline_s=60)
    worker = cluster(llm, media_root)
    try:
        deadline = time.monotonic() + deadline_s
        while (status := Campaign.objects.get(pk=campaign.pk).status) != CampaignStatus.ACTIVE:
            assert worker.poll() is None, _stop(worker)[0][-3000:]
            brief = Brief.objects.filter(campaign=campaign)
            assert time.monotonic() < deadline, (
                f"not active after {deadline_s:.0f}s: {status}, "
                f"{brief.values('step', 'step_error', 'failure_reason', 'review_flags').get()}"
            )
            if status == CampaignStatus.PENDING_DEPLOYMENT:
                assert review_as_a_person(Campaign.objects.get(pk=campaign.pk), reviewer) == []
            resume_launches()
            time.sleep(2)
    finally:
        _stop(worker)
