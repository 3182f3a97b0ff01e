"""sync_account reads a Google Ads account end to end through the factory's client."""

from decimal import Decimal

from campaigns.actors import system_user
from campaigns.models import AdGroup, Audience, Campaign, DailyMetric, QuarantinedRow
from campaigns.services.accounts import account_set_credentials
from executors.clients.factory import client_for
from executors.clients.google_ads import GoogleAdsClient
from executors.sync import sync_account
from tests.executors.conftest import WINDOW
from tests.executors.google.conftest import google_base
from tests.factories import make_account


def _google_account(org, sandbox):
    # The account's base URL is the sandbox's /googleads/ mount; its external id is the
    # customer id, written with dashes as Google's UI shows it.
    account = make_account(
        org,
        name="alice google",
        platform="google_ads",
        external_id="123-456-7890",
        api_base_url=google_base(sandbox),
    )
    account_set_credentials(
        account=account, actor=system_user(), values=sandbox.app.google.config.credentials()
    )
    account.refresh_from_db()
    return account


def test_the_factory_builds_a_google_client_for_the_customer_without_dashes(alice, sandbox):
    client = client_for(_google_account(alice.org, sandbox))

    assert isinstance(client, GoogleAdsClient)
    assert client.customer_id == "1234567890"
    assert client.login_customer_id == "9876543210"


def test_sync_stores_a_google_accounts_campaigns_ad_groups_and_metrics(alice, sandbox):
    account = _google_account(alice.org, sandbox)

    run = sync_account(account=account, date_from=WINDOW[0], date_to=WINDOW[1])

    assert run.status == "succeeded", run.error
    assert run.rows_quarantined == 0
    assert not QuarantinedRow.objects.filter(account=account).exists()
    campaigns = {c.external_id: c for c in Campaign.objects.filter(account=account)}
    with sandbox.lock:
        world = sandbox.world
        assert {ext: c.daily_budget for ext, c in campaigns.items()} == {
            str(i + 1): Decimal(str(world.campaign(i)["budget"]["allocated"])).quantize(
                Decimal("0.01")
            )
            for i in range(6)
        }
        first = AdGroup.objects.get(campaign__account=account, external_id="1")
        assert first.campaign.external_id == "1"
        assert first.bid == Decimal(str(world.ad_group(0)["averageBid"]))
        assert first.quality_score == world.ad_group(0)["qualityScore"]
    assert AdGroup.objects.filter(campaign__account=account).count() == 18
    assert not Audience.objects.filter(account=account).exists()
    metrics = DailyMetric.objects.filter(campaign__account=account)
    assert metrics.exists()
    assert run.metrics_created == metrics.count()


def test_a_second_google_sync_changes_nothing(alice, sandbox):
    account = _google_account(alice.org, sandbox)
    sync_account(account=account, date_from=WINDOW[0], date_to=WINDOW[1])

    again = sync_account(account=account, date_from=WINDOW[0], date_to=WINDOW[1])

    assert (again.metrics_created, again.metrics_updated) == (0, 0)
