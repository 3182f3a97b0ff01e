"""What a person approves between cycles is carried out by the next minute's sweep;
one organization's backlog gets at most its cap of accounts per tick."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import AdAccount, ExecutionMode, Organization, RecommendationStatus
from spectra import tasks
from spectra.tasks import execute_all_approved
from tests.executors.execution.conftest import approved_budget, platform_budget
from tests.factories import make_account, make_campaign, make_recommendation
from tests.spectra.cycle.conftest import drain_queue

R = RecommendationStatus


@pytest.fixture
def enqueued(monkeypatch):
    calls = []
    monkeypatch.setattr(tasks, "async_task", lambda func, *args, **kw: calls.append(args[0]))
    return calls


def approved_in(account, **kw):
    campaign = make_campaign(account)
    return make_recommendation(campaign, status=R.APPROVED, decided_at=timezone.now(), **kw)


def test_an_account_with_an_approved_change_is_enqueued_and_one_without_is_not(
    alice, bob, enqueued
):
    approved_in(alice.account)  # bob only has a proposal

    assert execute_all_approved() == 1
    assert enqueued == [alice.account.pk]


def test_read_only_accounts_and_rows_another_worker_holds_are_left_alone(alice, enqueued):
    read_only = make_account(alice.org, execution_mode=ExecutionMode.READ_ONLY)
    approved_in(read_only)
    approved_in(alice.account, lease_expires_at=timezone.now() + timedelta(minutes=5))

    assert execute_all_approved() == 0


def test_an_organization_gets_at_most_its_cap_per_tick_and_others_still_get_theirs(
    alice, bob, enqueued
):
    Organization.objects.filter(pk=alice.org.pk).update(max_concurrent_executions=2)
    AdAccount.objects.filter(pk=alice.account.pk).update(is_active=False)
    for _ in range(5):
        approved_in(make_account(alice.org))
    approved_in(bob.account)

    execute_all_approved()

    owners = dict(AdAccount.objects.values_list("pk", "organization_id"))
    assert sorted(owners[pk] for pk in enqueued) == sorted([alice.org.pk] * 2 + [bob.org.pk])


def test_a_change_approved_in_the_console_reaches_the_platform_on_the_next_tick(
    sandbox, live_account, alice, django_capture_on_commit_callbacks, _keep_test_connection
):
    AdAccount.objects.exclude(pk=live_account.pk).update(is_active=False)
    rec = approved_budget(live_account, alice.approver)

    execute_all_approved()
    drain_queue(django_capture_on_commit_callbacks)

    rec.refresh_from_db()
    assert rec.status == R.EXECUTED
    assert platform_budget(sandbox, rec.campaign.external_id) == rec.proposed_value
