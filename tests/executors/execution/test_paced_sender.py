"""The batch's sending threads: bounded in flight, retries paced like first attempts."""

import threading
from types import SimpleNamespace

import pytest

from executors.clients.adobe import WriteResult
from executors.clients.errors import PlatformUnavailable
from executors.resilience import PacedCapacity
from executors.senders import PacedSender
from executors.writers import PreparedWrite

RATE = 100


@pytest.fixture
def capacity(alice, settings):
    settings.PLATFORM_RATE_PER_SECOND = RATE
    capacity = PacedCapacity(alice.account)
    capacity.top_up(RATE)
    return capacity


class FakeWriter:
    """Answers like the platform; can hold every write, or refuse each key's first try."""

    def __init__(self, *, hold=False, refuse_first=False):
        self.release = threading.Event()
        if not hold:
            self.release.set()
        self.refuse_first = refuse_first
        self.lock = threading.Lock()
        self.in_flight = self.most_in_flight = 0
        self.sent: list[str] = []

    def send(self, prepared, *, key):
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            first_try = key not in self.sent
            self.sent.append(key)
        try:
            self.release.wait(5)
            if self.refuse_first and first_try:
                raise PlatformUnavailable("429: slow down", status=429, retry_after=0)
            return WriteResult(request={}, response={"ok": True}, latency_ms=1)
        finally:
            with self.lock:
                self.in_flight -= 1


def _writes(n):
    return [
        (
            SimpleNamespace(idempotency_key=f"key-{i}"),
            PreparedWrite("adobe.campaign_budget", ("PATCH", f"campaign/{i}", {}), str(i)),
        )
        for i in range(n)
    ]


def test_no_more_writes_are_in_flight_than_there_are_sending_threads(capacity):
    writer = FakeWriter(hold=True)
    with PacedSender(writer, capacity=capacity, concurrency=3, attempts=1, wait_s=5) as sender:
        futures = sender.submit(_writes(10))
        while len(writer.sent) < 3:
            threading.Event().wait(0.01)
        threading.Event().wait(0.1)  # time enough to (wrongly) start a fourth

        # Capacity is not taken for writes that could not go out yet.
        assert (writer.in_flight, sender.backlog(), capacity.granted) == (3, 7, RATE - 3)
        writer.release.set()
        outcomes = [f.result(timeout=5) for f in futures]

    assert writer.most_in_flight == 3
    assert all(o.ok for o in outcomes)
    assert sorted(writer.sent) == sorted(f"key-{i}" for i in range(10))


def test_a_resend_takes_rate_capacity_like_a_first_attempt(capacity):
    writer = FakeWriter(refuse_first=True)
    with PacedSender(writer, capacity=capacity, concurrency=2, attempts=3, wait_s=5) as sender:
        outcomes = [f.result(timeout=10) for f in sender.submit(_writes(2))]

    assert all(o.ok and len(o.attempts) == 2 for o in outcomes)
    assert capacity.granted == RATE - 4  # two first attempts, two resends


def test_writes_still_queued_when_the_batch_stops_are_not_sent(capacity):
    writer = FakeWriter(hold=True)
    sender = PacedSender(writer, capacity=capacity, concurrency=1, attempts=1, wait_s=5)
    futures = sender.submit(_writes(4))
    while not writer.sent:
        threading.Event().wait(0.01)

    threading.Timer(0.2, writer.release.set).start()
    sender.close(cancel=True)

    outcomes = [f.result(timeout=5) for f in futures]
    assert writer.sent == ["key-0"]
    assert outcomes[0].ok
    # Never sent, so nothing can have landed: they go back to waiting, not to recovery.
    assert all(not o.sent and not o.unknown and "stopped" in o.error for o in outcomes[1:])
