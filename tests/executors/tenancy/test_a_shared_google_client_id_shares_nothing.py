"""Two organizations configure Google Ads with the same OAuth client and developer token.

alice's credentials are right; bob types the same client id, developer token and
customer, and a client secret or refresh token that differs. One worker process
serves both: bob must get no token of alice's, so no data and no write.
"""

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
from tests.executors.conftest import WINDOW
from tests.executors.execution.conftest import approved_budget, platform_budget, sandbox_writes
from tests.factories import make_account, make_campaign


def _google_account(org, sandbox, **overrides):
    account = make_account(
        org,
        platform="google_ads",
        external_id="123-456-7890",
        api_base_url=sandbox.base_url.rstrip("/") + "/googleads/",
        execution_mode=ExecutionMode.LIVE,
    )
    values = sandbox.app.google.config.credentials() | overrides
    return account_set_credentials(account=account, actor=system_user(), values=values)


@pytest.fixture
def alice_synced_and_changed(sandbox, alice):
    account = _google_account(alice.org, sandbox)
    sync_account(account=account, date_from=WINDOW[0], date_to=WINDOW[1])
    done = execute_recommendation(approved_budget(account, alice.approver, external_id="1").pk)
    assert done.status == RecommendationStatus.EXECUTED, done.outcome_detail
    return account


@pytest.fixture(
    params=[{"client_secret": "bob-guessed-this"}, {"refresh_token": "bob-refresh-token"}],
    ids=["other secret", "other refresh token"],
)
def bob_account(request, sandbox, bob, alice_synced_and_changed):
    return _google_account(bob.org, sandbox, **request.param)


def test_bobs_sync_is_refused_and_copies_nothing_of_alices(bob_account):
    with pytest.raises(PlatformAuthError):
        sync_account(account=bob_account, date_from=WINDOW[0], date_to=WINDOW[1])

    assert SyncRun.objects.get(account=bob_account).status == SyncStatus.FAILED
    assert not Campaign.objects.filter(account=bob_account).exists()
    assert not DailyMetric.objects.filter(campaign__account=bob_account).exists()


def test_bobs_approved_change_never_reaches_alices_platform(sandbox, bob, bob_account):
    before = platform_budget(sandbox, "CMP-0001")  # Google campaign 1
    writes_before = len(sandbox_writes(sandbox)["writes"])
    make_campaign(bob_account, external_id="1", daily_budget=before)
    rec = approved_budget(bob_account, bob.approver, external_id="1", factor="1.10")

    done = execute_recommendation(rec.pk)

    assert done.status != RecommendationStatus.EXECUTED
    assert platform_budget(sandbox, "CMP-0001") == before
    assert len(sandbox_writes(sandbox)["writes"]) == writes_before
