"""How one recommendation becomes one platform write, per platform.

A writer knows the platform's request for each kind of change, how to send it
with the recommendation's idempotency key, and how to read the current value
back (to refuse a change whose basis moved, and to reconcile after a crash).
"""

import random
import threading
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal

from campaigns.models import AdAccount, Platform, Recommendation, RecommendationKind
from executors.clients.adobe import WriteResult
from executors.clients.errors import OutcomeUnknown, PlatformError
from executors.clients.factory import client_for
from executors.outcomes import may_have_landed

K = RecommendationKind


@dataclass(frozen=True)
class PreparedWrite:
    action: str  # e.g. "adobe.campaign_budget"
    request: tuple  # what the client sends; also what a dry run keeps
    target: str  # the platform's id of the object written

    def describe(self) -> dict:
        method, path, body = self.request
        return {"method": method, "path": path, "body": body}


class AdobeWriter:
    platform = Platform.ADOBE

    def __init__(self, account: AdAccount, client=None):
        self.account = account
        self.client = client or client_for(account)

    def prepare(self, rec: Recommendation) -> PreparedWrite:
        c, currency = self.client, self.account.currency
        if rec.kind == K.BUDGET:
            ext = rec.campaign.external_id
            return PreparedWrite(
                "adobe.campaign_budget", c.budget_request(ext, rec.proposed_value, currency), ext
            )
        if rec.kind == K.BID:
            ext = rec.ad_group.external_id
            return PreparedWrite(
                "adobe.ad_group_bid", c.bid_request(ext, rec.proposed_value, currency), ext
            )
        if rec.kind in (K.AUDIENCE_ACTIVATE, K.AUDIENCE_SUPPRESS):
            ext = rec.audience.external_id
            return PreparedWrite(
                f"adobe.segment_{rec.kind.removeprefix('audience_')}",
                c.segment_request(ext, rec.kind == K.AUDIENCE_ACTIVATE),
                ext,
            )
        if rec.kind in (K.PAUSE, K.RESUME):
            ext = rec.campaign.external_id
            return PreparedWrite(
                f"adobe.campaign_{rec.kind}", c.status_request(ext, rec.kind == K.RESUME), ext
            )
        raise ValueError(f"No Adobe write for a {rec.kind} recommendation.")

    def send(self, prepared: PreparedWrite, *, key: str):
        return self.client.send(prepared.request, key=key)

    def simulate(self, prepared: PreparedWrite) -> dict:
        """Dry run: Adobe has no validate-only mode, so nothing is sent at all."""
        return prepared.describe()

    def read_current(self, rec: Recommendation) -> Decimal | str | None:
        """The platform's value now, in the recommendation's terms."""
        if rec.kind == K.BUDGET:
            return _decimal(self.client.campaign(rec.campaign.external_id)["daily_budget"])
        if rec.kind == K.BID:
            return _decimal(self.client.ad_group(rec.ad_group.external_id)["bid"])
        if rec.kind in (K.AUDIENCE_ACTIVATE, K.AUDIENCE_SUPPRESS):
            return self.client.audience(rec.audience.external_id)["status"]
        return self.client.campaign(rec.campaign.external_id)["status"]

    def read_budgets(self, external_ids) -> dict[str, Decimal]:
        wanted = set(external_ids)
        return {
            str(c["external_id"]): _decimal(c["daily_budget"])
            for c in self.client.campaigns()
            if str(c["external_id"]) in wanted
        }

    def budget_sender(self, *, capacity, concurrency: int, attempts: int, wait_s: float):
        """A PacedSender for this account's budget writes: one call per change, each with
        its idempotency key, sent while the caller records the previous ones."""
        return PacedSender(
            self, capacity=capacity, concurrency=concurrency, attempts=attempts, wait_s=wait_s
        )


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def expected_before(rec: Recommendation):
    """What the platform should show before the change (the basis of the proposal)."""
    if rec.kind in (K.BUDGET, K.BID):
        return rec.current_value
    if rec.kind == K.AUDIENCE_ACTIVATE:
        return "suppressed"
    if rec.kind == K.AUDIENCE_SUPPRESS:
        return "active"
    return "active" if rec.kind == K.PAUSE else "paused"


def expected_after(rec: Recommendation):
    """What the platform shows once the change is applied."""
    if rec.kind in (K.BUDGET, K.BID):
        return rec.proposed_value
    if rec.kind == K.AUDIENCE_ACTIVATE:
        return "active"
    if rec.kind == K.AUDIENCE_SUPPRESS:
        return "suppressed"
    return "paused" if rec.kind == K.PAUSE else "active"


class GoogleAdsWriter:
    """Google Ads: mutates without an idempotency key, `validate_only` for dry runs.

    Google cannot deduplicate a resent mutate, so an unknown outcome is resolved
    by reading the value back (the executor does that before any retry).
    """

    platform = Platform.GOOGLE_ADS
    CALLS = {
        K.BUDGET: "set_campaign_budgets",
        K.BID: "set_ad_group_bids",
        K.PAUSE: "set_campaign_statuses",
        K.RESUME: "set_campaign_statuses",
    }

    def __init__(self, account: AdAccount, client=None):
        self.account = account
        self.client = client or client_for(account)

    def prepare(self, rec: Recommendation) -> PreparedWrite:
        if rec.kind not in self.CALLS:
            raise UnsupportedChange(
                "Google Ads has no audience segments to activate or suppress; audiences "
                "are Adobe RT-CDP segments."
            )
        if rec.kind == K.BID:
            target, value = rec.ad_group.external_id, rec.proposed_value
        elif rec.kind == K.BUDGET:
            target, value = rec.campaign.external_id, rec.proposed_value
        else:
            target, value = rec.campaign.external_id, expected_after(rec)
        call = self.CALLS[rec.kind]
        body = {"operation": call, "changes": [[target, str(value)]], "partialFailure": False}
        return PreparedWrite(
            f"google_ads.{call.removeprefix('set_')}", ("POST", call, body), target
        )

    def _call(self, prepared: PreparedWrite, *, validate_only: bool):
        _, call, body = prepared.request
        target, value = body["changes"][0]
        value = value if prepared.action.endswith("statuses") else Decimal(value)
        return getattr(self.client, call)(
            [(target, value)], validate_only=validate_only, partial_failure=False
        )

    def send(self, prepared: PreparedWrite, *, key: str):
        started = time.monotonic()
        [result] = self._call(prepared, validate_only=False)
        latency = int((time.monotonic() - started) * 1000)
        if not result.ok:
            raise PlatformError(
                f"Google Ads refused the change: {result.error}",
                code=result.error_code,
                retryable=False,
            )
        return WriteResult(
            request=prepared.describe(),
            response={"resourceName": result.resource_name},
            latency_ms=latency,
        )

    def simulate(self, prepared: PreparedWrite) -> dict:
        """Dry run: the real request with validateOnly, which checks it and changes nothing."""
        [result] = self._call(prepared, validate_only=True)
        return prepared.describe() | {
            "validateOnly": True,
            "validation": "ok" if result.ok else result.error,
        }

    def read_current(self, rec: Recommendation) -> Decimal | str | None:
        if rec.kind == K.BUDGET:
            ext = rec.campaign.external_id
            return _decimal(self.client.current_budgets([ext]).get(ext))
        if rec.kind == K.BID:
            ext = rec.ad_group.external_id
            return _decimal(self.client.current_bids([ext]).get(ext))
        ext = rec.campaign.external_id
        return self.client.current_statuses([ext]).get(ext)

    def read_budgets(self, external_ids) -> dict[str, Decimal]:
        return {k: _decimal(v) for k, v in self.client.current_budgets(list(external_ids)).items()}

    def send_budgets(self, items, *, concurrency: int, pace, attempts: int):
        """All changes in one call: the client sends batches of up to 10,000 operations."""
        outcomes = {
            rec.campaign.external_id: BatchOutcome(p.action, p.describe()) for rec, p in items
        }
        changes = [(rec.campaign.external_id, rec.proposed_value) for rec, _ in items]
        started = time.monotonic()
        try:
            results, unknown = self.client.set_campaign_budgets(changes, partial_failure=True), []
        except OutcomeUnknown as exc:
            results, unknown = list(exc.completed), list(exc.unknown) + list(exc.unsent)
        except PlatformError as exc:
            for outcome in outcomes.values():
                outcome.attempts.append((None, str(exc), None))
                outcome.error, outcome.retryable = str(exc), exc.retryable
                outcome.retry_after = exc.retry_after
            return [outcomes[rec.campaign.external_id] for rec, _ in items]
        latency = int((time.monotonic() - started) * 1000)
        for result in results:
            outcome = outcomes[str(result.external_id)]
            outcome.ok, outcome.error = result.ok, result.error
            outcome.attempts.append(
                (
                    {"resourceName": result.resource_name} if result.ok else None,
                    None if result.ok else result.error,
                    latency,
                )
            )
        for external_id in unknown:
            outcome = outcomes[str(external_id)]
            outcome.unknown, outcome.error = True, "no answer from Google; recovery reads it back"
            outcome.attempts.append((None, outcome.error, latency))
        return [outcomes[rec.campaign.external_id] for rec, _ in items]


class UnsupportedChange(ValueError):
    """The platform has no such change (e.g. audiences on Google Ads)."""


def writer_for(account: AdAccount, client=None):
    if account.platform == Platform.ADOBE:
        return AdobeWriter(account, client)
    if account.platform == Platform.GOOGLE_ADS:
        return GoogleAdsWriter(account, client)
    raise NotImplementedError(f"No writer for platform {account.platform!r}.")


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


def _adobe_send_one(writer, prepared, key, attempts, pace=None) -> BatchOutcome:
    """One write with its retries; `pace()` (if given) must allow each resend, so retries
    count against the rate limit like first attempts and cannot snowball into more 429s.

    If an attempt got no usable answer (a timeout, a dropped connection) the change may
    have landed, so a write that then runs out of attempts ends unknown, not failed:
    recovery reads it back (the rule of the single path, executors.execute)."""
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
            # Full jitter, at least what the platform asked for; the key makes resending safe.
            time.sleep(max(exc.retry_after or 0, random.uniform(0, min(20, 0.25 * 2**attempt))))
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
        self._idle = concurrency  # sending threads free for the next write
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
            outcome = _adobe_send_one(
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
