"""Sync records who changed what: the system user and a reason, also from a task."""

from datetime import timedelta

import requests
from django_q.models import Task
from django_q.tasks import async_task

from campaigns.actors import SYSTEM_USERNAME
from campaigns.models import Campaign, CampaignStatus
from executors import windows
from executors.clients.factory import client_for
from executors.sync import sync_account
from tests.executors.conftest import TODAY, WINDOW


def test_campaigns_discovered_by_a_task_name_the_system_and_the_reason(
    sandbox_account, monkeypatch
):
    monkeypatch.setattr(windows, "account_today", lambda account, now=None: TODAY)

    # sync=True runs the task through django-q2's own worker code, in-process.
    async_task("executors.tasks.sync_account_task", sandbox_account.pk, 3, sync=True)

    task = Task.objects.get()
    assert task.success, task.result
    assert task.result["created"] == 18 * 3
    record = Campaign.history.filter(account=sandbox_account).earliest("history_date")
    assert record.history_user.username == SYSTEM_USERNAME
    assert record.history_change_reason == "Discovered on the platform by sync"


def test_the_task_syncs_complete_days_ending_yesterday(sandbox_account, monkeypatch):
    monkeypatch.setattr(windows, "account_today", lambda account, now=None: TODAY)

    async_task("executors.tasks.sync_account_task", sandbox_account.pk, 2, sync=True)

    run = sandbox_account.sync_runs.get()
    assert (run.date_from, run.date_to) == (TODAY - timedelta(days=2), TODAY - timedelta(days=1))


def test_a_campaign_paused_on_the_platform_is_paused_here_with_the_reason(sandbox, sandbox_account):
    sync_account(account=sandbox_account, date_from=WINDOW[0], date_to=WINDOW[1])
    client = client_for(sandbox_account)
    response = requests.patch(
        f"{sandbox.base_url.rstrip('/')}/campaign/CMP-0002",
        json={"status": "paused"},
        headers=client._headers(),
        timeout=10,
    )
    response.raise_for_status()

    sync_account(account=sandbox_account, date_from=WINDOW[0], date_to=WINDOW[1])

    campaign = Campaign.objects.get(account=sandbox_account, external_id="CMP-0002")
    assert campaign.status == CampaignStatus.PAUSED
    latest = campaign.history.latest("history_date")
    assert latest.history_change_reason == "Paused on the platform (seen by sync)"
    assert latest.history_user.username == SYSTEM_USERNAME
