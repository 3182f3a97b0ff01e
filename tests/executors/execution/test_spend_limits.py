"""A campaign past its spend limit is paused on the platform, then in Spectra, once."""

from decimal import Decimal

import pytest

from campaigns.models import Alert, AlertKind, Campaign, CampaignStatus, Recommendation
from executors.spend_limits import enforce_spend_limits
from tests.executors.execution.conftest import sandbox_writes


def _platform_status(sandbox, external_id):
    world = sandbox.world
    return world.campaign(world.campaign_index(external_id))["status"]


@pytest.mark.parametrize("limit", ["max_daily_spend", "total_spend_limit"])
def test_a_campaign_past_its_limit_is_paused_everywhere_with_an_alert(
    sandbox, live_account, limit, monkeypatch
):
    from executors import spend_limits

    monkeypatch.setattr(
        spend_limits, "account_today", lambda account, now=None: sandbox.world.today_date
    )
    Campaign.objects.filter(account=live_account, external_id="CMP-0001").update(
        **{limit: Decimal("0.01")}
    )

    paused = enforce_spend_limits(account=live_account)

    assert [p.campaign.external_id for p in paused] == ["CMP-0001"]
    assert _platform_status(sandbox, "CMP-0001") == "paused"
    campaign = Campaign.objects.get(account=live_account, external_id="CMP-0001")
    assert campaign.status == CampaignStatus.PAUSED
    assert campaign.spend_today > 0
    assert "Spend limit reached" in campaign.history.latest("history_date").history_change_reason
    assert Alert.objects.get(kind=AlertKind.SPEND_LIMIT).campaign == campaign
    assert _platform_status(sandbox, "CMP-0002") == "active"

    enforce_spend_limits(account=live_account)  # a second tick pauses nothing twice
    assert len(sandbox_writes(sandbox)["writes"]) == 1
    assert Recommendation.objects.filter(kind="pause").count() == 1


def test_the_kill_switch_does_not_stop_a_spend_limit_pause(
    sandbox, live_account, settings, monkeypatch
):
    from executors import spend_limits

    monkeypatch.setattr(
        spend_limits, "account_today", lambda account, now=None: sandbox.world.today_date
    )
    settings.SPECTRA_EXECUTION_ENABLED = False
    Campaign.objects.filter(account=live_account, external_id="CMP-0003").update(
        max_daily_spend=Decimal("0.01")
    )

    enforce_spend_limits(account=live_account)

    assert _platform_status(sandbox, "CMP-0003") == "paused"
