"""The ops dashboard on the admin index shows what needs a person today, with links to act."""

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from campaigns.models import Alert, AlertKind, Campaign, CampaignStatus
from campaigns.services.switch import execution_switch_set, organization_execution_set
from spectra.dashboard import ops_dashboard
from tests.spectra.console.conftest import busy_account

INDEX = reverse("admin:index")


def test_it_counts_pending_approvals_and_links_to_them(client, alice):
    busy_account(alice.org)  # one more pending, besides the tenant's own
    client.force_login(alice.viewer)

    page = client.get(INDEX).content.decode()

    assert ops_dashboard(user=alice.viewer).pending_approvals == 2
    assert 'id="tile-pending-approvals"' in page
    assert (
        reverse("admin:campaigns_recommendation_changelist")
        + "?sets=grouped&amp;status__exact=proposed"
        in page
    )


def test_it_counts_todays_executions_by_outcome(alice):
    busy_account(alice.org)

    counts = ops_dashboard(user=alice.viewer).executions_today

    # A retry is not an outcome: only the four a person asks about are counted.
    assert counts == {"executed": 1, "failed": 1, "blocked": 1, "simulated": 1}


def test_executions_before_today_are_not_counted(alice):
    busy_account(alice.org)
    tomorrow = timezone.now() + timezone.timedelta(days=1)

    counts = ops_dashboard(user=alice.viewer, now=tomorrow).executions_today

    assert counts == {"executed": 0, "failed": 0, "blocked": 0, "simulated": 0}


def test_it_paces_each_accounts_spend_against_its_campaigns_limits(alice):
    account, _ = busy_account(alice.org, spend="4500.00", limit="6000.00")
    # An archived campaign's old limit no longer counts.
    Campaign.objects.create(
        account=account,
        external_id="old",
        name="old",
        status=CampaignStatus.ARCHIVED,
        max_daily_spend=Decimal("99999"),
    )

    [row] = [a for a in ops_dashboard(user=alice.viewer).accounts if a.id == account.pk]

    assert row.spend_today == Decimal("4500.00")
    assert row.daily_limit == Decimal("6000.00")
    assert row.pacing_pct == 75.0
    assert row.campaigns_without_limit == 1


def test_an_account_without_limits_has_no_pacing(alice):
    [row] = ops_dashboard(user=alice.viewer).accounts

    assert row.daily_limit is None
    assert row.pacing_pct is None


def test_the_page_shows_pacing_breakers_and_quota_per_account(client, alice):
    account, _ = busy_account(alice.org)
    client.force_login(alice.viewer)

    page = client.get(INDEX).content.decode()

    assert "Spend today, % of the daily limit" in page  # the SVG chart
    row = page.split(f'id="account-health-{account.pk}"')[1].split("</tr>")[0]
    assert "₹4,500.00" in row
    assert "₹6,000.00" in row
    assert "1 of 2 campaigns capped" in row
    assert "75 %" in row
    assert "open" in row  # the circuit breaker
    assert "1,234 / 100,000" in row  # API operations used today of Adobe's daily quota


def test_it_shows_open_alerts_newest_first_and_no_acknowledged_ones(client, alice):
    for n in range(7):
        Alert.objects.create(organization=alice.org, kind=AlertKind.SYNC_FAILED, title=f"Open {n}")
    Alert.objects.create(
        organization=alice.org,
        kind=AlertKind.SYNC_FAILED,
        title="Already handled",
        acknowledged_by=alice.analyst,
        acknowledged_at=timezone.now(),
    )
    client.force_login(alice.viewer)

    data = ops_dashboard(user=alice.viewer)
    page = client.get(INDEX).content.decode()

    assert data.open_alerts == 7
    assert [a.title for a in data.newest_alerts] == [f"Open {n}" for n in (6, 5, 4, 3, 2)]
    assert "Already handled" not in page
    assert "All 7 open alerts" in page


def test_it_shows_the_kill_switches(client, alice, superuser):
    client.force_login(alice.viewer)
    assert "ON" in client.get(INDEX).content.decode().split('id="tile-kill-switch"')[1][:300]

    organization_execution_set(
        organization=alice.org, actor=alice.admin, enabled=False, reason="Client freeze"
    )
    execution_switch_set(actor=superuser, enabled=False, reason="Outage")
    page = client.get(INDEX).content.decode()

    tile = page.split('id="tile-kill-switch"')[1].split("</a>")[0]
    assert "OFF" in tile
    assert "switched off globally: Outage" in tile
    assert "off for alice org: Client freeze" in tile  # behind the global one, still shown
    assert reverse("admin:campaigns_executionswitch_changelist") in page


def test_the_app_list_is_still_there(client, alice):
    client.force_login(alice.viewer)

    page = client.get(INDEX).content.decode()

    assert 'id="ops-dashboard"' in page
    assert reverse("admin:campaigns_campaign_changelist") in page
