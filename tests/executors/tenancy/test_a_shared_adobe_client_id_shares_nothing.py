"""Two organizations configure Adobe with the same client_id and different secrets.

The client id is the `x-api-key` sent on every call, so anyone may learn it. One
worker process serves both: whatever alice's credentials obtained (a token) must
never answer bob's, so bob reads none of alice's campaigns and writes nothing to
her platform account.
"""

from datetime import timedelta

import pytest

from campaigns.actors import system_user
from campaigns.models import (
    Campaign,
    DailyMetric,
    ExecutionMode,
    RecommendationStatus,
    SyncRun,
    SyncStatus,
)
from campaigns.services.accounts import account_set_credentials
from executors.clients.errors import PlatformAuthError
from executors.pipeline import execute_recommendation
from executors.sync import sync_account
from spectra.demo import SANDBOX_CREDENTIALS
from tests.executors.conftest import WINDOW
from tests.executors.execution.conftest import approved_budget, platform_budget, sandbox_writes
from tests.factories import make_account, make_campaign


def _live_account(org, sandbox, credentials):
    account = make_account(
        org, api_base_url=sandbox.base_url, execution_mode=ExecutionMode.LIVE, external_id="ADB-1"
    )
    return account_set_credentials(account=account, actor=system_user(), values=credentials)


@pytest.fixture
def alice_synced_and_changed(sandbox, alice):
    """alice (right secret) syncs and has a budget change written, in this process."""
    account = _live_account(alice.org, sandbox, SANDBOX_CREDENTIALS)
    sync_account(account=account, date_from=WINDOW[0], date_to=WINDOW[1])
    done = execute_recommendation(approved_budget(account, alice.approver).pk)
    assert done.status == RecommendationStatus.EXECUTED, done.outcome_detail
    return account


@pytest.fixture
def bob_account(sandbox, bob, alice_synced_and_changed):
    """bob types alice's client id, org and sandbox, and a secret of his own."""
    return _live_account(
        bob.org, sandbox, SANDBOX_CREDENTIALS | {"client_secret": "bob-guessed-this"}
    )


def test_bobs_sync_is_refused_and_copies_nothing_of_alices(bob_account):
    with pytest.raises(PlatformAuthError):
        sync_account(account=bob_account, date_from=WINDOW[0], date_to=WINDOW[1])

    run = SyncRun.objects.get(account=bob_account)
    assert run.status == SyncStatus.FAILED
    assert not Campaign.objects.filter(account=bob_account).exists()
    assert not DailyMetric.objects.filter(campaign__account=bob_account).exists()


def test_bobs_approved_change_never_reaches_alices_platform(sandbox, bob, bob_account):
    before = platform_budget(sandbox, "CMP-0001")
    writes_before = len(sandbox_writes(sandbox)["writes"])
    make_campaign(bob_account, external_id="CMP-0001", daily_budget=before)
    rec = approved_budget(bob_account, bob.approver, factor="1.10")

    done = execute_recommendation(rec.pk)

    assert done.status != RecommendationStatus.EXECUTED
    assert platform_budget(sandbox, "CMP-0001") == before
    assert len(sandbox_writes(sandbox)["writes"]) == writes_before


def test_alice_keeps_working_after_bobs_refusal(sandbox, alice_synced_and_changed, bob_account):
    with pytest.raises(PlatformAuthError):
        sync_account(account=bob_account, date_from=WINDOW[0], date_to=WINDOW[1])

    run = sync_account(
        account=alice_synced_and_changed,
        date_from=WINDOW[1] - timedelta(days=1),
        date_to=WINDOW[1],
    )

    assert run.status == SyncStatus.SUCCEEDED
