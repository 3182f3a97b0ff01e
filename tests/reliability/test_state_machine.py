"""Random sequences of what people, the policy and workers do — propose, approve, reject,
execute (one, or the account's batch), a redelivered execution, recovery, re-queue,
rollback, pause / resume changes, the kill switch, and the platform's fault rate —
against a faulty sandbox, with the promises checked after every step.

Each example gets a fresh sandbox and account inside a savepoint rolled back at the end.
"""

import os
from datetime import timedelta
from decimal import Decimal

import pytest
import requests
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from campaigns.actors import system_user
from campaigns.models import (
    Campaign,
    CampaignStatus,
    ExecutionMode,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
)
from campaigns.services.accounts import account_set_credentials
from campaigns.services.errors import ServiceError
from campaigns.services.recommendations import (
    recommendation_approve,
    recommendation_reject,
    recommendation_requeue,
)
from campaigns.services.rollback import recommendation_rollback
from campaigns.services.switch import organization_execution_set
from executors import senders
from executors.clients import http
from executors.clients.adobe import forget_cached_tokens
from executors.models import ExecutionLog
from executors.pipeline import LEASE, execute_approved, execute_recommendation, recover_executions
from executors.sandbox.server import SandboxServer
from executors.sync import sync_account
from spectra.demo import SANDBOX_CREDENTIALS
from tests.executors.conftest import START
from tests.factories import make_account

K = RecommendationKind
R = RecommendationStatus
STATUSES = set(R.values)
# CI's bound; RELIABILITY_EXAMPLES=200 (say) shakes harder locally.
MACHINE_SETTINGS = settings(
    max_examples=int(os.environ.get("RELIABILITY_EXAMPLES", "25")),
    stateful_step_count=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
KINDS = ["500", "503", "429", "reset", "malformed"]  # no `slow`: examples stay fast


@pytest.fixture
def no_backoff(monkeypatch):
    no_wait = lambda **kw: lambda state: 0  # noqa: E731
    monkeypatch.setattr(senders, "backoff_seconds", lambda attempt, asked: 0)
    monkeypatch.setattr(http, "wait_random_exponential", no_wait)


def test_every_sequence_of_decisions_and_failures_keeps_the_promises(alice, no_backoff):
    class Changes(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            forget_cached_tokens()
            self.sandbox = SandboxServer(
                seed=5, campaigns=3, ad_groups_per_campaign=1, audiences=0,
                history_days=8, start_date=START,
            ).start()  # fmt: skip
            account = make_account(
                alice.org, api_base_url=self.sandbox.base_url, execution_mode=ExecutionMode.LIVE
            )
            self.account = account_set_credentials(
                account=account, actor=system_user(), values=SANDBOX_CREDENTIALS
            )
            day = START + timedelta(days=7)
            sync_account(account=self.account, date_from=day, date_to=day)
            self.campaigns = list(Campaign.objects.filter(account=self.account).order_by("pk"))
            self.recs: list[int] = []
            self.log: dict[int, tuple] = {}
            self.writes_allowed = True
            self.writes_seen = 0

        def teardown(self):
            self.sandbox.stop()
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
            forget_cached_tokens()

        # --- helpers ----------------------------------------------------------------
        def _control(self, path, **body):
            url = f"{self.sandbox.base_url}/_sandbox/{path}"
            if body:
                return requests.post(url, json=body, timeout=10).json()
            return requests.get(url, timeout=10).json()

        def _in(self, *statuses):
            return [pk for pk in self.recs if Recommendation.objects.get(pk=pk).status in statuses]

        def _writes(self):
            return self._control("writes")["writes"]

        # --- rules ------------------------------------------------------------------
        @rule(i=st.integers(0, 2), pct=st.sampled_from(["-20", "-5", "10", "25"]))
        def propose_budget(self, i, pct):
            campaign = Campaign.objects.get(pk=self.campaigns[i].pk)
            proposed = (campaign.daily_budget * (1 + Decimal(pct) / 100)).quantize(Decimal("1"))
            rec = Recommendation.objects.create(
                account=self.account, campaign=campaign, kind=K.BUDGET,
                current_value=campaign.daily_budget, proposed_value=proposed, reason="machine",
            )  # fmt: skip
            self.recs.append(rec.pk)

        @rule(i=st.integers(0, 2), pause=st.booleans())
        def propose_pause_or_resume(self, i, pause):
            rec = Recommendation.objects.create(
                account=self.account, campaign=self.campaigns[i],
                kind=K.PAUSE if pause else K.RESUME, reason="machine",
            )  # fmt: skip
            self.recs.append(rec.pk)

        @precondition(lambda self: self.recs)
        @rule(data=st.data(), approve=st.booleans())
        def decide(self, data, approve):
            proposed = self._in(R.PROPOSED)
            if not proposed:
                return
            rec = Recommendation.objects.get(pk=data.draw(st.sampled_from(proposed)))
            if approve:
                recommendation_approve(recommendation=rec, actor=alice.approver)
            else:
                recommendation_reject(recommendation=rec, actor=alice.approver, note="no")

        @precondition(lambda self: self.recs)
        @rule(data=st.data(), twice=st.booleans())
        def execute_one(self, data, twice):
            approved = self._in(R.APPROVED)
            if approved:
                pk = data.draw(st.sampled_from(approved))
                execute_recommendation(pk)
                if twice:  # a redelivered task
                    execute_recommendation(pk)

        @rule()
        def execute_the_batch(self):
            execute_approved(account=self.account)

        @rule()
        def recover(self):
            recover_executions(now=timezone.now() + 3 * LEASE)

        @precondition(lambda self: self.recs)
        @rule(data=st.data())
        def requeue(self, data):
            stopped = self._in(R.FAILED, R.BLOCKED)
            if stopped:
                rec = Recommendation.objects.get(pk=data.draw(st.sampled_from(stopped)))
                recommendation_requeue(recommendation=rec, actor=alice.approver, note="again")

        @precondition(lambda self: self.recs)
        @rule(data=st.data())
        def roll_back(self, data):
            executed = self._in(R.EXECUTED)
            if executed:
                rec = Recommendation.objects.get(pk=data.draw(st.sampled_from(executed)))
                try:
                    rollback = recommendation_rollback(recommendation=rec, actor=alice.approver)
                except ServiceError:
                    return  # a rollback of it already exists
                self.recs.append(rollback.pk)

        @rule(enabled=st.booleans())
        def kill_switch(self, enabled):
            organization_execution_set(
                organization=alice.org, actor=alice.admin, enabled=enabled, reason="machine"
            )
            self.writes_allowed = enabled
            self.writes_seen = len(self._writes())

        @rule(rate=st.sampled_from([0.0, 0.1, 0.3]), seed=st.integers(0, 1000))
        def platform_faults(self, rate, seed):
            self._control("faults", rate=rate, kinds=KINDS, seed=seed, retryAfter=0)

        # --- invariants ---------------------------------------------------------------
        @invariant()
        def statuses_are_known_and_finished_ones_say_why(self):
            for rec in Recommendation.objects.filter(pk__in=self.recs):
                assert rec.status in STATUSES
                if rec.status in (R.FAILED, R.BLOCKED, R.EXECUTED):
                    assert rec.outcome_detail.strip(), (rec.pk, rec.status)
                # Every move is in its history, with who made it.
                latest = rec.history.order_by("-history_date", "-history_id").first()
                assert latest.status == rec.status, (rec.pk, rec.status, latest.status)
                if rec.status != R.PROPOSED:
                    assert latest.history_user_id, (rec.pk, rec.status)

        @invariant()
        def no_key_is_applied_twice_and_every_execution_is_on_the_platform(self):
            keys = [w["idempotencyKey"] for w in self._writes()]
            assert len(keys) == len(set(keys))
            for rec in Recommendation.objects.filter(
                pk__in=self.recs, status__in=[R.EXECUTED, R.ROLLED_BACK]
            ):
                assert str(rec.idempotency_key) in keys, rec.pk

        @invariant()
        def nothing_is_written_while_the_kill_switch_is_off(self):
            if not self.writes_allowed:
                assert len(self._writes()) == self.writes_seen

        @invariant()
        def spectra_agrees_with_the_platform_where_no_outcome_is_pending(self):
            pending = set(
                Recommendation.objects.filter(pk__in=self.recs, status=R.EXECUTING).values_list(
                    "campaign_id", flat=True
                )
            )
            with self.sandbox.lock:
                theirs = {c["id"]: c for c in self.sandbox.world.campaigns()}
            for campaign in Campaign.objects.filter(account=self.account):
                if campaign.pk in pending:
                    continue
                platform = theirs[campaign.external_id]
                assert campaign.daily_budget == Decimal(str(platform["budget"]["allocated"]))
                paused = campaign.status == CampaignStatus.PAUSED
                assert paused == (platform["status"] == "paused"), campaign.pk

        @invariant()
        def the_execution_log_is_append_only(self):
            rows = {
                row.pk: (row.recommendation_id, row.outcome, row.detail, row.attempt)
                for row in ExecutionLog.objects.filter(recommendation_id__in=self.recs)
            }
            for pk, seen in self.log.items():
                assert rows.get(pk) == seen, f"log row {pk} changed or vanished"
            self.log = rows

    run_state_machine_as_test(Changes, settings=MACHINE_SETTINGS)
