"""Senders: how a batch of prepared writes goes out, with the one layer of retries.

`PacedSender` (Adobe: one call per change, each with its idempotency key) queues
writes from the pipeline's thread and sends them from others at the rate limit's
pace, so the bookkeeping of one chunk hides behind the writes of the next.
`GoogleSender` sends a chunk as one batched mutate per kind of change. Both answer
one `BatchOutcome` per write (every attempt, and how it ended) through a future,
and neither touches the database from another thread: SQLite has one writer, and
a test's transaction is visible only on the pipeline's thread.
"""

import random
import threading
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from executors.clients.errors import OutcomeUnknown, PlatformError
from executors.outcomes import may_have_landed

# The longest a sender sleeps between two attempts; a platform asking for more than
# this is answered by waiting (the change stays APPROVED with a not-before time).
RETRY_CAP_S = 20.0


@dataclass
class BatchOutcome:
    """What happened to one change of a batch: every attempt, and how it ended."""

    action: str
    request: dict
    attempts: list = field(default_factory=list)  # (response | None, error | None, latency_ms)
    ok: bool = False
    unknown: bool = False  # sent (or not sent) without a usable answer: recovery reads back
    retryable: bool = False
    error: str = ""
    sent: bool = True  # False: never went out (no capacity, the batch stopped)
    retry_after: float | None = None  # what the platform asked for, if it throttled


def backoff_seconds(attempt: int, retry_after: float | None) -> float:
    """How long to wait before resending after `attempt` failed: full jitter, at least
    what the platform asked for (Retry-After / retryDelay), at most RETRY_CAP_S."""
    return max(
        min(retry_after or 0, RETRY_CAP_S), random.uniform(0, min(RETRY_CAP_S, 0.25 * 2**attempt))
    )


def send_one(writer, prepared, key, attempts, pace=None) -> BatchOutcome:
    """One write with its retries — the only layer that retries a write.

    `pace()` (if given) must allow each resend, so retries count against the rate
    limit like first attempts and cannot snowball into more 429s. If an attempt got
    no usable answer (a timeout, a dropped connection, a 5xx) the change may have
    landed, so a write that then runs out of attempts ends unknown, not failed: the
    pipeline reads it back, and recovery after it.
    """
    outcome = BatchOutcome(prepared.action, prepared.describe())
    for attempt in range(1, attempts + 1):
        if attempt > 1 and pace is not None and not pace():
            break  # no capacity for the resend in time: ends with the last error
        started = time.monotonic()
        try:
            result = writer.send(prepared, key=key)
        except PlatformError as exc:
            latency = int((time.monotonic() - started) * 1000)
            outcome.attempts.append(
                (exc.body if isinstance(exc.body, dict) else None, str(exc), latency)
            )
            outcome.error, outcome.retryable = str(exc), exc.retryable
            outcome.retry_after = exc.retry_after
            outcome.unknown = outcome.unknown or may_have_landed(exc)
            if not exc.retryable or attempt == attempts:
                break
            if (exc.retry_after or 0) > RETRY_CAP_S:
                break  # asked to come back later than a batch waits: the change waits
            time.sleep(backoff_seconds(attempt, exc.retry_after))  # the key makes resending safe
            continue
        outcome.attempts.append((result.response, None, result.latency_ms))
        outcome.ok, outcome.error, outcome.unknown = True, "", False
        return outcome
    return outcome


class PacedSender:
    """Writes queued by one thread, sent by others: the writes of a batch go out while
    the thread that queued them does its bookkeeping.

    `submit` returns at once with a future per write (a BatchOutcome). A dispatcher
    thread hands the writes, in the order submitted, to `concurrency` sending threads,
    one each time `capacity` (a PacedCapacity) lets an operation through; a write that
    gets no capacity within `wait_s` is not sent and ends unknown, as before. No thread
    here touches the database: the submitting thread keeps `capacity` topped up.
    """

    def __init__(self, writer, *, capacity, concurrency: int, attempts: int, wait_s: float):
        self.writer, self.capacity = writer, capacity
        self.attempts, self.wait_s = attempts, wait_s
        self._queue: deque = deque()
        self._changed = threading.Condition()
        self._closing = self._cancelled = False
        self._idle = self._concurrency = concurrency  # sending threads free for the next write
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="send")
        self._dispatcher = threading.Thread(target=self._dispatch, name="dispatch", daemon=True)
        self._dispatcher.start()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        self.close(cancel=exc_type is not None)

    def submit(self, items) -> list[Future]:
        """Queue `(recommendation, prepared)` pairs; one future per pair, in order."""
        queued = [(rec, prepared, Future()) for rec, prepared in items]
        with self._changed:
            if self._closing:
                raise RuntimeError("This sender is closed.")
            self._queue.extend(queued)
            self._changed.notify_all()
        return [future for _, _, future in queued]

    def backlog(self) -> int:
        """Writes queued and not yet handed to a sending thread."""
        with self._changed:
            return len(self._queue)

    def demand(self) -> int:
        """Operations this sender may still ask capacity for: the queued writes, and a
        resend for each write in flight (retries are paced like first attempts)."""
        with self._changed:
            return len(self._queue) + (self._concurrency - self._idle)

    def close(self, *, cancel: bool = False) -> None:
        """Send what is queued (or, with `cancel`, nothing more), wait for every write
        in flight, and stop the threads. Unsent writes end unknown: recovery reads back."""
        with self._changed:
            self._closing = True
            self._cancelled = self._cancelled or cancel
            self._changed.notify_all()
        if cancel:
            self.capacity.close()
        self._dispatcher.join()
        self._pool.shutdown(wait=True)

    def _dispatch(self) -> None:
        try:
            while self._dispatch_one():
                pass
        finally:  # however it ends, no future is left unresolved for the caller to wait on
            with self._changed:
                left, self._closing = list(self._queue), True
                self._queue.clear()
            for _, prepared, future in left:
                if not future.done():
                    future.set_result(_not_sent(prepared, "not sent: the sender stopped"))

    def _dispatch_one(self) -> bool:
        with self._changed:
            # Only as many in flight as there are sending threads: a write that would
            # queue behind a slow answer would go out late, in a burst with others.
            while (not self._queue or not self._idle) and not self._closing:
                self._changed.wait()
            while not self._idle and not self._cancelled:
                self._changed.wait()
            if not self._queue:
                return False
            most = min(len(self._queue), max(self._idle, 1))
        allowed = 0 if self._cancelled else self.capacity.take(self.wait_s, most=most)
        if self._cancelled:
            allowed = 0
        with self._changed:
            going = [self._queue.popleft() for _ in range(max(allowed, 1))]
            self._idle -= allowed
        for rec, prepared, future in going:
            if allowed:
                self._pool.submit(self._send, future, prepared, rec)
            elif self._cancelled:
                future.set_result(
                    _not_sent(prepared, "not sent: the batch stopped before its turn")
                )
            else:
                future.set_result(_not_sent(prepared, "not sent: no rate-limit capacity in time"))
        return True

    def _send(self, future: Future, prepared, rec) -> None:
        try:
            outcome = send_one(
                self.writer,
                prepared,
                str(rec.idempotency_key),
                self.attempts,
                pace=lambda: self.capacity.take(self.wait_s) > 0,
            )
        except Exception as exc:  # no usable answer: it may have been applied; recovery reads back
            outcome = BatchOutcome(prepared.action, prepared.describe(), unknown=True)
            outcome.error = f"no usable answer: {exc!r}"[:2000]
            outcome.attempts.append((None, outcome.error, None))
        finally:
            with self._changed:
                self._idle += 1
                self._changed.notify_all()
        future.set_result(outcome)


def _not_sent(prepared, reason) -> BatchOutcome:
    # Claimed but never sent: nothing can have landed, so it goes back to waiting.
    return BatchOutcome(
        prepared.action, prepared.describe(), retryable=True, sent=False, error=reason
    )


class GoogleSender:
    """A chunk of Google Ads writes as one mutate request per kind of change.

    Sent from the pipeline's own thread when submitted (the request is one call;
    there is nothing to overlap), after the rate limit lets one request through.
    A whole request throttled (429, RESOURCE_TEMPORARILY_EXHAUSTED: not applied)
    is resent after its delay, up to `attempts` in all; per-operation refusals come
    back as they are; a lost answer makes its operations unknown and is never resent
    here (Google has no idempotency key: the pipeline reads them back first).
    """

    def __init__(self, writer, *, capacity, attempts: int, wait_s: float):
        self.writer, self.capacity = writer, capacity
        self.attempts, self.wait_s = attempts, wait_s

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def backlog(self) -> int:
        return 0

    def demand(self) -> int:
        return 0  # it tops the capacity up itself, on the pipeline's thread

    def submit(self, items) -> list[Future]:
        groups: dict[str, list] = {}
        for rec, prepared in items:
            groups.setdefault(self.writer.change_of(prepared)[0], []).append((rec, prepared))
        outcomes = {}
        for call, group in groups.items():
            outcomes |= self._send(call, group)
        futures = []
        for rec, _ in items:
            future = Future()
            future.set_result(outcomes[rec.pk])
            futures.append(future)
        return futures

    def _send(self, call, group) -> dict[int, BatchOutcome]:
        outcomes = {rec.pk: BatchOutcome(p.action, p.describe()) for rec, p in group}
        by_target = {self.writer.change_of(p)[1]: rec.pk for rec, p in group}
        changes = [self.writer.change_of(p)[1:] for _, p in group]
        for attempt in range(1, self.attempts + 1):
            self.capacity.top_up(1)  # this thread may touch the database: it is the pipeline's
            if not self.capacity.take(self.wait_s):
                for outcome in outcomes.values():
                    if not outcome.attempts:  # never went out: back to waiting
                        outcome.sent, outcome.retryable = False, True
                        outcome.error = "not sent: no rate-limit capacity in time"
                return outcomes  # a resend that found none ends with its last error
            started = time.monotonic()
            try:
                results = self.writer.mutate_call(call)(changes, partial_failure=True)
            except OutcomeUnknown as exc:
                latency = int((time.monotonic() - started) * 1000)
                for result in exc.completed:
                    _answered(outcomes[by_target[str(result.external_id)]], result, latency)
                for target in [*exc.unknown, *exc.unsent]:
                    outcome = outcomes[by_target[str(target)]]
                    outcome.unknown = True
                    outcome.error = "no answer from Google; the value is read back"
                    outcome.attempts.append((None, outcome.error, latency))
                return outcomes
            except PlatformError as exc:
                latency = int((time.monotonic() - started) * 1000)
                for outcome in outcomes.values():
                    outcome.attempts.append((None, str(exc), latency))
                    outcome.error, outcome.retryable = str(exc), exc.retryable
                    outcome.retry_after = exc.retry_after
                    outcome.unknown = outcome.unknown or may_have_landed(exc)
                throttled = exc.retryable and not may_have_landed(exc)
                if (
                    not throttled
                    or attempt == self.attempts
                    or (exc.retry_after or 0) > RETRY_CAP_S
                ):
                    return outcomes
                time.sleep(backoff_seconds(attempt, exc.retry_after))
                continue
            latency = int((time.monotonic() - started) * 1000)
            for result in results:
                _answered(outcomes[by_target[str(result.external_id)]], result, latency)
            return outcomes
        return outcomes


def _answered(outcome: BatchOutcome, result, latency) -> None:
    outcome.ok = result.ok
    outcome.error = "" if result.ok else f"Google Ads refused the change: {result.error}"
    outcome.retryable = outcome.unknown = False
    outcome.attempts.append(
        (
            {"resourceName": result.resource_name} if result.ok else None,
            outcome.error or None,
            latency,
        )
    )
