"""The chaos run shared by the reliability tests and `bench/reliability.py`.

Several accounts (Adobe and Google Ads, each on a sandbox of its own) go round the
real daily cycle — dispatch_cycles and the chained django-q2 tasks, run through
django-q2's own worker — for several simulated days while every sandbox injects a
mix of faults. Between days the clock moves on a day (time-machine) and so does each
sandbox's calendar. Every day a person approves what the policy left for people, and
a recovery run finishes what a dead or unlucky worker left behind.

Afterwards `audit` reads Spectra's rows and each sandbox's write log and counts what
the three promises forbid: duplicates, lost approvals, stuck rows, Spectra rows that
disagree with the platform, and budgets written above a campaign's max daily spend.
"""

from __future__ import annotations

import contextlib
import json
import re
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from time import sleep

import requests
import time_machine
from django.test.utils import override_settings

from campaigns.actors import system_user
from campaigns.models import (
    AdAccount,
    Alert,
    AudienceStatus,
    Autonomy,
    Campaign,
    CampaignStatus,
    ExecutionMode,
    GuardrailPolicy,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
)
from campaigns.services.accounts import account_set_credentials
from campaigns.services.campaigns import campaign_update_limits
from campaigns.services.recommendations import recommendation_approve
from executors.clients.adobe import forget_cached_tokens as forget_adobe_tokens
from executors.clients.google_ads import forget_cached_tokens as forget_google_tokens
from executors.pipeline import LEASE, execute_approved, recover_executions
from executors.sandbox.server import SandboxServer
from executors.sync import sync_account
from spectra.cycle import dispatch_cycles
from spectra.demo import DEMO_TIME_ZONE, SANDBOX_CREDENTIALS
from tests.factories import make_account

K = RecommendationKind
R = RecommendationStatus
# Refused before anything was applied, and (since issue 12) what real gateways and
# platforms do: apply the write and then answer 502/504, answer too late, or close the
# connection either side of handling the request.
FAULT_KINDS = ["500", "503", "429", "slow", "reset", "malformed", "502", "504", "slowAfter", "drop"]
STALE_READ_S = 2  # reads lag behind writes (eventual consistency); well below the lease
# What a transient trouble's error says; an approval must never end FAILED with one.
TRANSIENT = re.compile(
    r"\((429|5\d\d)\)|did not answer|Could not reach|not JSON|did not confirm|no usable"
    r"|not sent|circuit breaker|quota|rate limit|RESOURCE_TEMPORARILY_EXHAUSTED"
)
FINAL = {R.EXECUTED, R.FAILED, R.BLOCKED, R.SIMULATED, R.ROLLED_BACK}
HISTORY_DAYS = 35
CLIENT_TIMEOUT_S = 1  # a `slow` fault sleeps past it


@dataclass(frozen=True)
class ChaosPlan:
    """How hard to shake: days, accounts per platform, fault rate (≤ 0.3) and seed."""

    days: int = 2
    adobe_accounts: int = 2
    google_accounts: int = 1
    dry_run_accounts: int = 0
    fault_rate: float = 0.2
    seed: int = 7
    campaigns: int = 6
    settle_rounds: int = 8
    start: date = date(2026, 3, 2)  # a Monday


# What CI runs (tests/reliability/test_chaos.py, `bench/reliability.py --short`) and
# the long form `bench/reliability.py` runs by default.
SHORT = ChaosPlan(days=2, adobe_accounts=2, google_accounts=1, dry_run_accounts=1, fault_rate=0.3)
LONG = ChaosPlan(
    days=7, adobe_accounts=4, google_accounts=2, dry_run_accounts=1, campaigns=8, fault_rate=0.3
)


@dataclass
class ChaosReport:
    """What a chaos run did and every figure the promises need to be zero."""

    days: int = 0
    accounts: int = 0
    platform_requests: int = 0
    platform_writes: int = 0
    faults: Counter = field(default_factory=Counter)
    replays_absorbed: int = 0
    approved: int = 0
    outcomes: Counter = field(default_factory=Counter)
    failed_cycles: int = 0
    duplicates: list = field(default_factory=list)
    lost: list = field(default_factory=list)
    stuck: list = field(default_factory=list)
    unexplained: list = field(default_factory=list)
    mismatches: list = field(default_factory=list)
    over_limit: list = field(default_factory=list)
    failed_transient: list = field(default_factory=list)
    expired_waiting: list = field(default_factory=list)
    applied_unanswered: int = 0

    @property
    def max_over_limit(self) -> Decimal:
        return max((excess for *_, excess in self.over_limit), default=Decimal("0"))

    @property
    def failures(self) -> dict[str, int]:
        """The figures that must all be zero."""
        return {
            "duplicates": len(self.duplicates),
            "lost": len(self.lost),
            "stuck": len(self.stuck),
            "without a reason": len(self.unexplained),
            "mismatches Spectra vs platform": len(self.mismatches),
            "budgets over max daily spend": len(self.over_limit),
            "approvals FAILED for transient reasons": len(self.failed_transient),
        }

    def table(self) -> str:
        """The report as a plain two-column table."""
        rows = [
            ("simulated days", self.days),
            ("accounts", self.accounts),
            ("platform requests (operations attempted)", self.platform_requests),
            ("writes applied on the platforms", self.platform_writes),
            ("approved changes", self.approved),
            *((f"  ended {status}", n) for status, n in sorted(self.outcomes.items())),
            ("cycles stopped by a failed step", self.failed_cycles),
            ("faults injected (all kinds)", sum(self.faults.values())),
            *((f"  {kind}", n) for kind, n in sorted(self.faults.items())),
            ("replays absorbed by idempotency keys", self.replays_absorbed),
            ("writes applied but answered with an error", self.applied_unanswered),
            ("approvals expired while waiting (reason + alert)", len(self.expired_waiting)),
            *self.failures.items(),
            ("max budget over max daily spend", self.max_over_limit),
        ]
        width = max(len(label) for label, _ in rows)
        lines = [f"{'figure'.ljust(width)}  value", f"{'-' * width}  -----"]
        lines += [f"{label.ljust(width)}  {value}" for label, value in rows]
        return "\n".join(lines)


@dataclass
class _Account:
    account: AdAccount
    sandbox: SandboxServer

    @property
    def control(self) -> str:
        return self.sandbox.base_url.rstrip("/") + "/_sandbox"

    def world_campaign_id(self, campaign: Campaign) -> str:
        if self.account.platform == "google_ads":
            return self.sandbox.world.campaign_ids[int(campaign.external_id) - 1]
        return campaign.external_id

    def world_ad_group_id(self, external_id: str) -> str:
        if self.account.platform == "google_ads":
            return self.sandbox.world.ad_group_ids[int(external_id) - 1]
        return external_id


def _local_noon(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=zoneinfo.ZoneInfo(DEMO_TIME_ZONE))


class ChaosRun:
    """One chaos run over `plan`, in an organization whose `approver` decides for people.

    `drain` runs every queued django-q2 task (the in-process worker of the cycle
    tests); `on_commit` wraps code whose on-commit callbacks must run (a test's
    `django_capture_on_commit_callbacks(execute=True)`, or nothing outside a test
    transaction).
    """

    def __init__(self, plan: ChaosPlan, *, org, approver, drain, on_commit=None):
        self.plan, self.org, self.approver = plan, org, approver
        self.drain = drain
        self.on_commit = on_commit or (lambda: contextlib.nullcontext())
        self.accounts: list[_Account] = []
        self.report = ChaosReport(days=plan.days)

    def run(self) -> ChaosReport:
        """Set up, cycle through the days, settle, then audit."""
        plan = self.plan
        with contextlib.ExitStack() as stack:
            traveller = stack.enter_context(time_machine.travel(_local_noon(plan.start), tick=True))
            self.traveller = traveller
            stack.enter_context(override_settings(PLATFORM_TIMEOUT_S=CLIENT_TIMEOUT_S))
            forget_adobe_tokens()
            forget_google_tokens()
            stack.callback(forget_adobe_tokens)
            stack.callback(forget_google_tokens)
            self._set_up(stack)
            self._baseline = {
                e.account.pk: requests.get(f"{e.control}/faults/tally", timeout=10).json()
                for e in self.accounts
            }
            for day in range(plan.days):
                self._faults(seed=plan.seed * 1000 + day)
                self._one_day()
                if day < plan.days - 1:
                    traveller.shift(timedelta(days=1))
                    for entry in self.accounts:
                        requests.post(f"{entry.control}/advance", json={"days": 1}, timeout=10)
            self._settle(traveller)
            self._audit()
        return self.report

    # --- set-up ------------------------------------------------------------------
    def _set_up(self, stack) -> None:
        plan = self.plan
        GuardrailPolicy.objects.update_or_create(
            organization=self.org, account=None, defaults={"approval_threshold_pct": Decimal("30")}
        )
        platforms = (
            ["adobe"] * plan.adobe_accounts
            + ["google_ads"] * plan.google_accounts
            + ["dry_run"] * plan.dry_run_accounts
        )
        for n, platform in enumerate(platforms):
            sandbox = stack.enter_context(
                SandboxServer(
                    seed=plan.seed + n,
                    campaigns=plan.campaigns,
                    ad_groups_per_campaign=2,
                    audiences=4,
                    history_days=HISTORY_DAYS,
                    start_date=plan.start - timedelta(days=HISTORY_DAYS),
                )
            )
            self.accounts.append(_Account(self._account(n, platform, sandbox), sandbox))
        self.report.accounts = len(self.accounts)

    def _account(self, n: int, platform: str, sandbox: SandboxServer) -> AdAccount:
        common = dict(
            name=f"chaos {platform} {n}",
            time_zone=DEMO_TIME_ZONE,
            # Everything within the guardrails applies itself (first-day changes rest on
            # an assumed response, medium risk, and would otherwise wait for a person).
            autonomy=Autonomy.AUTONOMOUS,
            execution_mode=ExecutionMode.DRY_RUN if platform == "dry_run" else ExecutionMode.LIVE,
        )
        if platform == "google_ads":
            config = sandbox.app.google.config
            config.customer_id = str(1234567890 + n)  # one Google customer per sandbox
            account = make_account(
                self.org,
                platform="google_ads",
                external_id=config.customer_id,
                api_base_url=sandbox.base_url.rstrip("/") + "/googleads/",
                **common,
            )
            values = config.credentials()
        else:
            account = make_account(self.org, api_base_url=sandbox.base_url, **common)
            values = SANDBOX_CREDENTIALS
        account = account_set_credentials(account=account, actor=system_user(), values=values)
        account.refresh_from_db()
        yesterday = self.plan.start - timedelta(days=1)
        first = yesterday - timedelta(days=HISTORY_DAYS - 1)
        sync_account(account=account, date_from=first, date_to=yesterday)
        # Every other campaign gets a max daily spend a little above its budget, so
        # the optimiser's wish for +30 % runs into it.
        for i, campaign in enumerate(Campaign.objects.filter(account=account).order_by("pk")):
            if i % 2 == 0:
                campaign_update_limits(
                    campaign=campaign,
                    actor=self.approver,
                    reason="chaos: a tight daily limit",
                    max_daily_spend=(campaign.daily_budget * Decimal("1.1")).quantize(Decimal("1")),
                    total_spend_limit=None,
                )
        return account

    def _faults(self, *, seed: int) -> None:
        config = {
            "rate": self.plan.fault_rate,
            "kinds": FAULT_KINDS,
            "seed": seed,
            "retryAfter": 1,
            "slowSeconds": CLIENT_TIMEOUT_S + 0.5,
            "staleReadSeconds": STALE_READ_S,
        }
        for n, entry in enumerate(self.accounts):
            response = requests.post(
                f"{entry.control}/faults", json=config | {"seed": seed + n}, timeout=10
            )
            response.raise_for_status()

    # --- the days ----------------------------------------------------------------
    def _one_day(self) -> None:
        # A day passes between two cycles; the platform's reads have long caught up
        # with yesterday's writes (the stale window is in real seconds).
        sleep(STALE_READ_S)
        with self.on_commit():
            dispatch_cycles()
        self.drain()
        # A person approves what the policy left for people; the executor runs now
        # (as the next cycle would) and a recovery pass follows, as its schedule would.
        for rec in Recommendation.objects.filter(
            account__in=[e.account for e in self.accounts], status=R.PROPOSED
        ):
            with self.on_commit():
                recommendation_approve(recommendation=rec, actor=self.approver, note="chaos")
        self._execute_and_recover()

    def _execute_and_recover(self) -> None:
        for entry in self.accounts:
            with self.on_commit():
                execute_approved(account=entry.account)
        # Time only moves forward, as on a real clock: travelling ahead for recovery
        # and back again left breaker timestamps (retry_at, probe leases) in the
        # future of every later round, so the executor waited on a breaker that, in
        # its own time line, had not reopened yet.
        self.traveller.shift(LEASE + timedelta(seconds=1))
        # Recovery comes a lease (5 minutes) after the write; the platform's reads lag by
        # seconds. The clock above travels, the sandbox's stale window is real seconds:
        # wait it out, or recovery reads a value the real platform would long have caught
        # up with, and resends a Google write (no idempotency key) that had landed.
        sleep(STALE_READ_S)
        with self.on_commit():
            recover_executions()
        # The every-minute sweep: what transient trouble held back (not_before) goes
        # again once its time has come, as it would between two daily cycles.
        for entry in self.accounts:
            with self.on_commit():
                execute_approved(account=entry.account)
        self.drain()

    def _settle(self, traveller) -> None:
        """Recovery and execution rounds (faults still on) until nothing is left waiting."""
        accounts = [e.account for e in self.accounts]
        for _ in range(self.plan.settle_rounds):
            waiting = Recommendation.objects.filter(
                account__in=accounts, status__in=[R.APPROVED, R.EXECUTING]
            )
            if not waiting.exists():
                return
            # Long enough for an open circuit breaker to let a probe through.
            traveller.shift(timedelta(minutes=16))
            self._execute_and_recover()

    # --- the audit ---------------------------------------------------------------
    def _audit(self) -> None:
        report = self.report
        accounts = [e.account for e in self.accounts]
        report.failed_cycles = _failed_cycles(accounts)
        approved_ids = set(
            Recommendation.history.filter(account__in=accounts, status=R.APPROVED)
            .values_list("id", flat=True)
            .distinct()
        )
        recs = list(
            Recommendation.objects.filter(pk__in=approved_ids).select_related(
                "account", "campaign", "ad_group", "audience"
            )
        )
        report.approved = len(recs)
        report.outcomes = Counter(rec.status for rec in recs)
        for rec in recs:
            if rec.status in (R.APPROVED, R.EXECUTING):
                last = rec.executions.order_by("-pk").first()
                report.stuck.append(
                    (rec.pk, rec.status, rec.kind, last.detail[:160] if last else "never tried")
                )
            elif rec.status == R.EXPIRED and _expired_waiting(rec):
                report.expired_waiting.append((rec.pk, rec.kind, rec.outcome_detail[:160]))
            elif rec.status not in FINAL:
                report.lost.append((rec.pk, rec.status, "approved, then " + rec.status))
            elif not _explained(rec):
                report.unexplained.append((rec.pk, rec.status))
            elif rec.status == R.FAILED and TRANSIENT.search(rec.outcome_detail):
                report.failed_transient.append((rec.pk, rec.kind, rec.outcome_detail[:160]))
        report.stuck += [
            (c.pk, "campaign still OPTIMIZING")
            for c in Campaign.objects.filter(account__in=accounts, status=CampaignStatus.OPTIMIZING)
        ]
        by_account = {}
        for rec in recs:
            by_account.setdefault(rec.account_id, []).append(rec)
        for entry in self.accounts:
            self._audit_platform(entry, by_account.get(entry.account.pk, []))

    def _audit_platform(self, entry: _Account, recs: list[Recommendation]) -> None:
        report = self.report
        tally = requests.get(f"{entry.control}/faults/tally", timeout=10).json()
        log = requests.get(f"{entry.control}/writes", timeout=30).json()
        writes = log["writes"]
        # Operations attempted during the run (not the initial 35-day sync).
        report.platform_requests += tally["requests"] - self._baseline[entry.account.pk]["requests"]
        injected = dict(tally["injected"])
        report.applied_unanswered += injected.pop("appliedUnanswered", 0) - self._baseline[
            entry.account.pk
        ].get("injected", {}).get("appliedUnanswered", 0)
        report.faults.update(injected)
        report.platform_writes += len(writes)
        report.replays_absorbed += log["duplicates"]
        report.duplicates += _duplicates(entry, writes)

        # Promise 2: an executed change is on the platform (nothing was lost on the way).
        keys = {w["idempotencyKey"] for w in writes if w["idempotencyKey"]}
        applied = {(w["path"], _canonical(w["body"])) for w in writes}
        for rec in recs:
            if rec.status != R.EXECUTED:
                continue
            if entry.account.platform == "adobe":
                found = str(rec.idempotency_key) in keys
            elif rec.kind == K.NEGATIVE_KEYWORD:
                found = _negative_written(rec, writes)
            else:
                found = _google_write(entry, rec) in applied
            if not found:
                report.lost.append((rec.pk, rec.status, "EXECUTED but not on the platform"))

        # Promise 1: no budget written above the campaign's max daily spend.
        limits = {
            entry.world_campaign_id(c): c.max_daily_spend
            for c in Campaign.objects.filter(account=entry.account, max_daily_spend__isnull=False)
        }
        for w in writes:
            budget = (w["body"] or {}).get("budget")
            campaign_id = w["path"].rsplit("/", 1)[-1]
            if budget and campaign_id in limits:
                amount = Decimal(str(budget["allocated"]))
                if amount > limits[campaign_id]:
                    excess = amount - limits[campaign_id]
                    report.over_limit.append((entry.account.pk, campaign_id, amount, excess))

        if entry.account.execution_mode == ExecutionMode.LIVE:
            report.mismatches += _mismatches(entry)


def _expired_waiting(rec: Recommendation) -> bool:
    """Approved, held back by transient trouble until it expired: an outcome the
    promises allow (the approval is not lost silently) if it says why and alerted."""
    return (
        "before it could be applied" in rec.outcome_detail
        and Alert.objects.filter(dedup_key=f"execution_expired:{rec.pk}").exists()
    )


def _explained(rec: Recommendation) -> bool:
    """A finished change says why: the platform's answer, the block or failure reason,
    or (simulated) the request that would have been sent."""
    if rec.status == R.SIMULATED:
        return bool(rec.simulated_request)
    return bool(rec.outcome_detail.strip())


def _failed_cycles(accounts) -> int:
    from spectra.models import CycleRun, CycleStatus

    return CycleRun.objects.filter(account__in=accounts, status=CycleStatus.FAILED).count()


def _canonical(body) -> str:
    return json.dumps(body, sort_keys=True)


def _google_write(entry: _Account, rec: Recommendation) -> tuple[str, str]:
    """The Adobe-shaped (path, body) the sandbox logs for a Google mutate of `rec`."""
    currency = entry.account.currency
    if rec.kind == K.BUDGET:
        path = f"/campaign/{entry.world_campaign_id(rec.campaign)}"
        body = {"budget": {"allocated": float(rec.proposed_value), "currency": currency}}
    elif rec.kind == K.BID:
        path = f"/adGroups/{entry.world_ad_group_id(rec.ad_group.external_id)}/bidding"
        body = {"averageBid": float(rec.proposed_value), "currency": currency}
    else:
        path = f"/campaign/{entry.world_campaign_id(rec.campaign)}"
        body = {"status": "paused" if rec.kind == K.PAUSE else "active"}
    return path, _canonical(body)


def _negative_written(rec: Recommendation, writes: list[dict]) -> bool:
    """A negative keyword is on the platform: a logged create of its text and match type
    (on the campaign, or in the account's shared list)."""
    want = (rec.structure["text"].lower(), rec.structure["match_type"])
    return any(
        "/negatives/" in w["path"]
        and w["path"].endswith(":create")
        and (
            str(w["body"]["record"].get("text", "")).lower(),
            w["body"]["record"].get("match_type"),
        )
        == want
        for w in writes
    )


def _duplicates(entry: _Account, writes: list[dict]) -> list:
    """Writes applied twice: an Adobe key logged twice, or the same Google write twice a day."""
    if entry.account.platform == "adobe":
        seen = Counter(w["idempotencyKey"] for w in writes if w["idempotencyKey"])
        return [(entry.account.pk, key, n) for key, n in seen.items() if n > 1]
    seen = Counter((w["day"], w["path"], _canonical(w["body"])) for w in writes)
    return [(entry.account.pk, write, n) for write, n in seen.items() if n > 1]


def _mismatches(entry: _Account) -> list:
    """Spectra's budgets, statuses, bids and audience states against the platform's."""
    world, found = entry.sandbox.world, []
    with entry.sandbox.lock:
        platform_campaigns = {c["id"]: c for c in world.campaigns()}
        platform_groups = {g["id"]: g for g in world.ad_groups()}
        platform_segments = {s["id"]: s for s in world.segments()}
    for campaign in Campaign.objects.filter(account=entry.account).prefetch_related("ad_groups"):
        theirs = platform_campaigns[entry.world_campaign_id(campaign)]
        budget = Decimal(str(theirs["budget"]["allocated"])).quantize(Decimal("0.01"))
        if campaign.daily_budget != budget:
            found.append((campaign.pk, "budget", campaign.daily_budget, budget))
        paused = campaign.status == CampaignStatus.PAUSED
        if paused != (theirs["status"] == "paused"):
            found.append((campaign.pk, "status", campaign.status, theirs["status"]))
        for group in campaign.ad_groups.all():
            bid = platform_groups[entry.world_ad_group_id(group.external_id)]["averageBid"]
            if group.bid != Decimal(str(bid)).quantize(Decimal("0.01")):
                found.append((group.pk, "bid", group.bid, bid))
    if entry.account.platform == "adobe":
        for audience in entry.account.audiences.all():
            theirs = platform_segments[audience.external_id]["status"]
            ours = "active" if audience.status == AudienceStatus.ACTIVE else "inactive"
            if ours != theirs:
                found.append((audience.pk, "audience", audience.status, theirs))
    return found


def audit(pairs) -> ChaosReport:
    """Audit accounts driven some other way (separate processes): [(account, sandbox)]."""
    run = ChaosRun(ChaosPlan(days=0), org=None, approver=None, drain=None)
    run.accounts = [_Account(account, sandbox) for account, sandbox in pairs]
    run._baseline = {account.pk: {"requests": 0} for account, _ in pairs}
    run.report.accounts = len(pairs)
    run._audit()
    return run.report
