"""A due account goes round the whole cycle by itself: what its autonomy allows is applied,
the rest (changes resting on an assumed response, audience switches) waits for a person."""

from decimal import Decimal

from campaigns.actors import SYSTEM_USERNAME
from campaigns.models import (
    AdAccount,
    Autonomy,
    GuardrailPolicy,
    Recommendation,
    RecommendationStatus,
)
from spectra.cycle import STEP_ORDER
from spectra.models import CycleRun, CycleStatus
from tests.executors.execution.conftest import platform_budget
from tests.spectra.cycle.conftest import synced_account

R = RecommendationStatus


def test_a_due_account_runs_every_step_in_order(alice, today_sandbox, run_dispatch):
    AdAccount.objects.exclude(api_base_url=today_sandbox.base_url).update(is_active=False)
    account = synced_account(alice.org, today_sandbox)

    run_dispatch()

    cycle = CycleRun.objects.get(account=account)
    assert cycle.status == CycleStatus.SUCCEEDED, cycle.error
    assert [s["step"] for s in cycle.steps] == STEP_ORDER
    assert cycle.finished_at is not None


def test_changes_resting_on_an_assumed_response_wait_for_a_person(
    alice, today_sandbox, run_dispatch
):
    AdAccount.objects.exclude(api_base_url=today_sandbox.base_url).update(is_active=False)
    # Budget steps up to the full 30 % count as low risk here — but on the sandbox's first
    # cycle its budgets have never moved, so every budget change rests on an assumed
    # response, which is never low risk: those wait, as audience switches do.
    GuardrailPolicy.objects.create(organization=alice.org, approval_threshold_pct=Decimal("30"))
    account = synced_account(alice.org, today_sandbox)

    run_dispatch()

    recs = Recommendation.objects.filter(account=account)
    applied = recs.filter(decided_by__username=SYSTEM_USERNAME)
    assert all(r.risk == "low" for r in applied)
    assert all(r.decision_note.startswith("Approved by policy v") for r in applied)
    assert set(applied.values_list("status", flat=True)) <= {R.EXECUTED, R.BLOCKED}
    assumed = [r for r in recs if r.evidence.get("response", {}).get("data_driven") is False]
    assert assumed
    for rec in assumed:
        assert rec.status == R.PROPOSED and rec.requires_approval and rec.risk == "medium"
        assert "rests on an assumed response" in rec.reason
    waiting = recs.filter(status=R.PROPOSED)
    assert not waiting.filter(requires_approval=False).exists()


def test_an_autonomous_account_applies_what_it_proposes_and_the_platform_has_it(
    alice, today_sandbox, run_dispatch
):
    AdAccount.objects.exclude(api_base_url=today_sandbox.base_url).update(is_active=False)
    account = synced_account(alice.org, today_sandbox, autonomy=Autonomy.AUTONOMOUS)

    run_dispatch()

    recs = Recommendation.objects.filter(account=account)
    applied = recs.filter(decided_by__username=SYSTEM_USERNAME)
    assert applied.exists(), "the cycle auto-approved nothing"
    assert all(r.risk != "high" for r in applied)
    assert all(r.decision_note.startswith("Approved by policy v") for r in applied)
    assert set(applied.values_list("status", flat=True)) <= {R.EXECUTED, R.BLOCKED}
    executed = applied.filter(status=R.EXECUTED, kind="budget")
    assert executed.exists()
    assert not recs.filter(status=R.PROPOSED, requires_approval=False).exists()
    for rec in executed:
        assert platform_budget(today_sandbox, rec.campaign.external_id) == rec.proposed_value


def test_a_read_only_account_is_synced_but_nothing_is_decided(alice, today_sandbox, run_dispatch):
    AdAccount.objects.exclude(api_base_url=today_sandbox.base_url).update(is_active=False)
    account = synced_account(alice.org, today_sandbox, execution_mode="read_only")

    run_dispatch()

    cycle = CycleRun.objects.get(account=account)
    assert cycle.status == CycleStatus.SUCCEEDED
    skipped = {s["step"] for s in cycle.steps if "skipped" in s["result"]}
    assert skipped == {"optimise", "approve", "execute"}
    assert not Recommendation.objects.filter(account=account).exists()
