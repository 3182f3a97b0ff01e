"""Launches driven through spectra.launch's tasks: the model sandbox, the platform
sandbox, and a queue that catches what the tasks queue so a test runs it in order."""

from collections import deque

import pytest
from django.utils.module_loading import import_string

from campaigns.services.launches import brief_create, launch_generate
from tests.creative.conftest import _fast_backoff, llm  # noqa: F401
from tests.executors.deploy.conftest import _fresh_tokens, google_account  # noqa: F401

BRIEF = {
    "name": "Winter socks launch",
    "daily_budget": "2500.00",
    "objective": "conversions",
    "target_cpa": "400.00",
    "start_date": "2027-01-04",
    "locations": ["IN"],
    "languages": ["en"],
    "product": "Merino wool socks",
    "landing_url": "https://example.com/wool-socks",
    "selling_points": ["soft merino wool", "free delivery", "30-day returns"],
    "audience_notes": "winter hikers",
}


class Queue:
    """What the tasks queued (django_q's async_task), run one at a time by the test."""

    def __init__(self, capture):
        self.tasks: deque = deque()
        self.ran: list[tuple] = []
        self._capture = capture

    def add(self, func, *args, **kwargs):
        self.tasks.append((func, args))

    def run_next(self):
        func, args = self.tasks.popleft()
        self.ran.append((func.rsplit(".", 1)[-1], *args))
        with self._capture(execute=True):  # on_commit callbacks fire as after a commit
            return import_string(func)(*args)

    def drain(self, limit: int = 50) -> None:
        for _ in range(limit):
            if not self.tasks:
                return
            self.run_next()
        raise AssertionError(f"still queued after {limit} tasks: {list(self.tasks)}")


@pytest.fixture
def queue(monkeypatch, django_capture_on_commit_callbacks):
    q = Queue(django_capture_on_commit_callbacks)
    monkeypatch.setattr("campaigns.services.launches.async_task", q.add)
    monkeypatch.setattr("spectra.launch.async_task", q.add)
    return q


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def start_launch(tenant, account, queue, **brief):
    """A brief written by the tenant's analyst and its generation started."""
    campaign = brief_create(account=account, data=BRIEF | brief, actor=tenant.analyst)
    with queue._capture(execute=True):
        return launch_generate(campaign=campaign, actor=tenant.analyst)


def brief_of(campaign):
    from campaigns.models import Brief

    return Brief.objects.get(campaign=campaign)


def when_due(campaign, queue):
    """Move the clock to the moment the launch's step is due, run the sweep as the
    schedule would, and run what it queued; returns the moment it ran at."""
    from datetime import timedelta

    import time_machine

    from spectra.launch import resume_launches

    moment = brief_of(campaign).step_due_at + timedelta(seconds=1)
    with time_machine.travel(moment, tick=False):
        assert resume_launches() == 1
        while queue.tasks:
            queue.run_next()
    return moment


def failing(message: str):
    """A step runner standing for a model that stays unavailable."""
    from creative.llm.errors import AIUnavailable

    def run(launch):
        raise AIUnavailable(message, outcome="unavailable")

    return run
