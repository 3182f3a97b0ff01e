"""A write is retried in one layer, the pipeline's sender, and every attempt is charged
to the rate limit — on both platforms.

Before the one pipeline, a throttled Google mutate was retried by the client (4
attempts) inside the executor's own retries (4 more each): 16 requests for one
change, 12 of them never counted by the rate limiter.
"""

import pytest

from campaigns.models import Campaign, RecommendationStatus
from executors import senders
from executors.clients.google_ads import GoogleAdsClient
from executors.models import ExecutionLog
from executors.pipeline import WRITE_ATTEMPTS, execute_recommendation
from executors.resilience import PacedCapacity
from executors.writers import AdobeWriter
from tests.executors.execution.conftest import approved_budget, set_faults


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    monkeypatch.setattr(senders, "backoff_seconds", lambda attempt, asked: 0)


@pytest.fixture
def taken(monkeypatch):
    """How many operations the rate limit handed out to senders."""
    count = []
    real = PacedCapacity.take

    def counting(self, timeout, most=1):
        got = real(self, timeout, most)
        count.append(got)
        return got

    monkeypatch.setattr(PacedCapacity, "take", counting)
    return count


def test_a_throttled_google_mutate_is_sent_four_times_not_sixteen(
    sandbox, google_account, alice, monkeypatch, taken
):
    sent = []
    real = GoogleAdsClient._send_write

    def counting(self, url, headers, body):
        sent.append(url)
        return real(self, url, headers, body)

    monkeypatch.setattr(GoogleAdsClient, "_send_write", counting)
    ext = Campaign.objects.filter(account=google_account).order_by("external_id")[0].external_id
    rec = approved_budget(google_account, alice.approver, external_id=ext)
    set_faults(sandbox, rate=1.0, kinds=["429"], writesOnly=True, retryAfter=0)

    done = execute_recommendation(rec.pk)

    assert done.status == RecommendationStatus.APPROVED  # throttled: it waits, not FAILED
    assert done.not_before is not None
    assert len(sent) == WRITE_ATTEMPTS
    assert sum(taken) == WRITE_ATTEMPTS
    assert ExecutionLog.objects.filter(recommendation=rec).count() == WRITE_ATTEMPTS


def test_an_adobe_write_answered_503_is_resent_with_its_key_each_attempt_charged(
    sandbox, live_account, alice, monkeypatch, taken
):
    keys = []
    real = AdobeWriter.send

    def counting(self, prepared, *, key):
        keys.append(key)
        return real(self, prepared, key=key)

    monkeypatch.setattr(AdobeWriter, "send", counting)
    rec = approved_budget(live_account, alice.approver)
    set_faults(sandbox, rate=1.0, kinds=["503"], writesOnly=True, retryAfter=0)

    done = execute_recommendation(rec.pk)

    # A 503 says nothing about whether it landed: in doubt, for recovery to read back.
    assert done.status == RecommendationStatus.EXECUTING
    assert keys == [str(rec.idempotency_key)] * WRITE_ATTEMPTS
    assert sum(taken) == WRITE_ATTEMPTS
