from campaigns.models import AdGroup, Audience, Campaign, DailyMetric, SyncStatus
from executors.sync import sync_account
from tests.executors.conftest import WINDOW


def test_it_brings_every_campaign_ad_group_audience_and_day_over_http(sandbox_account):
    run = sync_account(account=sandbox_account, date_from=WINDOW[0], date_to=WINDOW[1])

    assert run.status == SyncStatus.SUCCEEDED
    assert Campaign.objects.filter(account=sandbox_account).count() == 6
    assert AdGroup.objects.filter(campaign__account=sandbox_account).count() == 18
    assert Audience.objects.filter(account=sandbox_account).count() == 5
    days = (WINDOW[1] - WINDOW[0]).days + 1
    assert DailyMetric.objects.filter(campaign__account=sandbox_account).count() == 18 * days
    assert run.metrics_created == 18 * days
    assert run.rows_quarantined == 0


def test_running_it_twice_changes_nothing(sandbox_account):
    sync_account(account=sandbox_account, date_from=WINDOW[0], date_to=WINDOW[1])
    before = list(DailyMetric.objects.order_by("pk").values())
    history_before = Campaign.history.count() + AdGroup.history.count()

    again = sync_account(account=sandbox_account, date_from=WINDOW[0], date_to=WINDOW[1])

    assert (again.metrics_created, again.metrics_updated) == (0, 0)
    assert list(DailyMetric.objects.order_by("pk").values()) == before
    assert Campaign.history.count() + AdGroup.history.count() == history_before


def test_spend_to_date_is_the_sum_of_synced_spend(sandbox_account):
    sync_account(account=sandbox_account, date_from=WINDOW[0], date_to=WINDOW[1])

    for campaign in Campaign.objects.filter(account=sandbox_account):
        total = sum(m.spend for m in DailyMetric.objects.filter(campaign=campaign))
        assert campaign.spend_to_date == total
        assert total > 0
