"""`make demo`'s promise: with no command typed, the scheduled loop proposes changes,
applies the low-risk ones to the sandbox and queues the rest for a person."""

import zoneinfo
from datetime import timedelta

import django_q.scheduler
from django.core.management import call_command
from django.utils import timezone

from campaigns.actors import SYSTEM_USERNAME
from campaigns.models import Recommendation, RecommendationStatus
from executors.clients.adobe import forget_cached_tokens
from executors.sandbox.server import SandboxServer
from spectra.demo import DEMO_TIME_ZONE
from spectra.models import CycleRun, CycleStatus
from tests.spectra.cycle.conftest import drain_queue

R = RecommendationStatus


def test_the_first_scheduler_tick_after_the_demo_starts_runs_the_whole_cycle(
    db, capsys, monkeypatch, django_capture_on_commit_callbacks, _keep_test_connection
):
    monkeypatch.setattr(django_q.scheduler, "close_old_django_connections", lambda: None)
    forget_cached_tokens()
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(DEMO_TIME_ZONE)).date()
    with SandboxServer(seed=42, start_date=today - timedelta(days=35)) as sandbox:
        call_command("demo", "--no-serve", "--sandbox-url", sandbox.base_url)
        call_command("install_schedules")  # what `make demo` runs before the worker

        django_q.scheduler.scheduler()  # the cluster's first tick
        drain_queue(django_capture_on_commit_callbacks)

    cycles = CycleRun.objects.all()
    assert cycles.count() == 2
    assert {c.status for c in cycles} == {CycleStatus.SUCCEEDED}, [c.error for c in cycles]
    adobe = Recommendation.objects.filter(account__platform="adobe")
    applied = adobe.filter(decided_by__username=SYSTEM_USERNAME, status=R.EXECUTED)
    assert applied.exists()
    assert adobe.filter(status=R.PROPOSED, requires_approval=True).exists()
    google = Recommendation.objects.filter(account__platform="google_ads")
    assert google.filter(status=R.SIMULATED).exists()  # dry run: validate-only, nothing written
    assert not google.filter(status=R.EXECUTED).exists()
