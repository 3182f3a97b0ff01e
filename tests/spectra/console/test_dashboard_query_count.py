"""The dashboard runs the same number of queries for 2 accounts as for 20."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from spectra.models import AccountCycle, CycleRun, CycleStatus
from spectra.schedules import install_schedules
from tests.spectra.console.conftest import busy_account

INDEX = reverse("admin:index")

# A member: session, user, Django's permissions twice and the memberships (5);
# the dashboard (16): accounts with spend, limits and their cycle schedule,
# breakers, today's quota rows, pending approvals, today's executions, open
# alerts (count, newest five), the user's organizations (with the reason of a
# switch-off), the kill switches as the executor reads them (the global row,
# organizations switched off), each account's last cycle, the dispatcher's next
# run, this month's AI spend and the organizations' AI budgets (2), launches in progress
# by state and those waiting for review (2); recent actions (1).
# An operator skips the permission and membership queries (2 instead of 5)
# but adds the task queue (waiting, running) and failed tasks (3), and reads no AI
# budgets (a total across tenants means nothing).
# Pinned: raise one only for a reason you can name.
MEMBER_QUERIES = 23
OPERATOR_QUERIES = 22


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(INDEX)
    assert response.status_code == 200
    return len(captured)


def _accounts(org, n):
    install_schedules()
    for i in range(n):
        account, _ = busy_account(org, label=f"n{i}")
        AccountCycle.objects.create(account=account, next_due_at=timezone.now())
        for status in (CycleStatus.FAILED, CycleStatus.SUCCEEDED):
            CycleRun.objects.create(account=account, status=status, finished_at=timezone.now())


@pytest.mark.parametrize("accounts", [2, 20])
def test_a_members_dashboard_runs_a_fixed_number_of_queries(client, alice, accounts):
    _accounts(alice.org, accounts)
    client.force_login(alice.admin)

    assert _queries(client) == MEMBER_QUERIES


@pytest.mark.parametrize("accounts", [2, 20])
def test_an_operators_dashboard_runs_a_fixed_number_of_queries(
    client, alice, bob, superuser, accounts
):
    _accounts(alice.org, accounts)
    _accounts(bob.org, accounts)
    client.force_login(superuser)

    assert _queries(client) == OPERATOR_QUERIES
