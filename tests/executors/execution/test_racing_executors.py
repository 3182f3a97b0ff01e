"""Two executors racing over the same approved changes write each one exactly once."""

import threading

import pytest
from django.db import connection

from campaigns.models import Audience, Recommendation, RecommendationKind, RecommendationStatus
from campaigns.services.recommendations import recommendation_approve
from executors.pipeline import execute_approved
from tests.executors.execution.conftest import approved_budget, sandbox_writes


@pytest.mark.django_db(transaction=True)
def test_two_workers_over_the_same_queue_write_every_change_once(sandbox, live_account, alice):
    for n in range(1, 7):
        approved_budget(live_account, alice.approver, external_id=f"CMP-{n:04d}", factor="1.10")
    # Audiences need no campaign lock: only the claim stands between the workers.
    for audience in Audience.objects.filter(account=live_account):
        kind = (
            RecommendationKind.AUDIENCE_SUPPRESS
            if audience.status == "active"
            else RecommendationKind.AUDIENCE_ACTIVATE
        )
        rec = Recommendation.objects.create(
            account=live_account, audience=audience, kind=kind, reason="Fatigue 85 above 80."
        )
        recommendation_approve(recommendation=rec, actor=alice.approver)
    approved = Recommendation.objects.filter(status=RecommendationStatus.APPROVED).count()
    errors = []

    def worker():
        try:
            execute_approved(account=live_account)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    keys = [w["idempotencyKey"] for w in sandbox_writes(sandbox)["writes"]]
    assert len(keys) == len(set(keys)) == approved
    assert sandbox_writes(sandbox)["duplicates"] == 0
    statuses = set(
        Recommendation.objects.filter(account=live_account).values_list("status", flat=True)
    )
    assert statuses == {RecommendationStatus.EXECUTED}
