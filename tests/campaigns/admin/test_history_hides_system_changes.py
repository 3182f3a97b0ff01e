"""The campaign's versions page and its object history fold the machine's own versions
(the execution lock taken and given back, lease and sync timestamps) behind "show system
changes", off by default; a person's changes, and the system's real ones, always show."""

from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.actors import system_user
from campaigns.models import Campaign
from campaigns.services.campaigns import (
    campaign_lock_for_change,
    campaign_unlock,
    campaign_update_limits,
)
from campaigns.services.history import save_with_history
from tests.campaigns.admin.conftest import history_url


def _lock_and_unlock(campaign, times: int = 1) -> None:
    for _ in range(times):
        campaign_lock_for_change(
            campaign=campaign, actor=system_user(), reason="Lock", lease=timedelta(minutes=5)
        )
        campaign_unlock(campaign=campaign, actor=system_user(), reason="Unlock")


def _history(tenant) -> Campaign:
    """Creation, a person's cap, a lock taken and given back, the system's budget change,
    and a person's save that changed nothing but the row's timestamp."""
    campaign = tenant.campaign
    campaign_update_limits(
        campaign=campaign,
        actor=tenant.analyst,
        reason="Festival cap",
        max_daily_spend=Decimal("7000"),
        total_spend_limit=None,
        target_roas=None,
        target_cpa=None,
        is_pinned=False,
    )
    _lock_and_unlock(campaign)
    campaign = Campaign.objects.get(pk=campaign.pk)
    campaign.daily_budget = Decimal("6000")
    save_with_history(campaign, actor=system_user(), reason="Executed recommendation #1")
    save_with_history(campaign, actor=tenant.analyst, reason="Looked it over")
    return campaign


def _reasons(response) -> list[str]:
    return [v.history_change_reason for v in response.context["versions"]]


def _versions_url(campaign) -> str:
    return reverse("admin:campaigns_campaign_versions", args=[campaign.pk])


def test_the_versions_page_hides_the_lock_and_keeps_every_real_change(client, alice):
    campaign = _history(alice)
    client.force_login(alice.viewer)

    response = client.get(_versions_url(campaign))

    assert _reasons(response) == [
        "Looked it over",  # a person's, though it changed nothing that matters
        "Executed recommendation #1",  # the system's, but it changed the budget
        "Festival cap",
        None,  # the creation
    ]
    content = response.content.decode()
    assert "2 system changes hidden" in content
    assert "Show system changes" in content


def test_the_toggle_shows_them_marked_as_system(client, alice):
    campaign = _history(alice)
    client.force_login(alice.viewer)

    response = client.get(_versions_url(campaign) + "?system=1")

    assert _reasons(response)[2:4] == ["Unlock", "Lock"]
    assert [v.is_system_change for v in response.context["versions"]].count(True) == 2
    content = response.content.decode()
    assert "Hide system changes" in content and content.count(">system</span>") == 2


def test_the_object_history_page_folds_them_too(client, alice):
    campaign = _history(alice)
    client.force_login(alice.viewer)

    folded = client.get(history_url(campaign))
    shown = client.get(history_url(campaign) + "?system=1")

    def reasons(response):
        return [v.history_change_reason for v in response.context["page_obj"].object_list]

    assert "Lock" not in reasons(folded) and "Festival cap" in reasons(folded)
    assert {"Lock", "Unlock"} <= set(reasons(shown))
    assert "2 system changes hidden" in folded.content.decode()


def test_without_system_changes_there_is_no_toggle(client, alice):
    client.force_login(alice.viewer)

    response = client.get(_versions_url(alice.campaign))

    assert "system change" not in response.content.decode()


def test_the_versions_page_costs_the_same_queries_however_long_the_history(client, alice):
    campaign = _history(alice)
    client.force_login(alice.viewer)
    client.get(_versions_url(campaign))

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_versions_url(campaign)).status_code == 200
        return len(captured.captured_queries)

    few = count()
    _lock_and_unlock(campaign, times=20)
    many = count()

    # 5 per request, the campaign, the versions' columns to find the noise, the page's
    # versions with their authors, the rollback permission; then what each version
    # holds: the history of its ad groups, keywords, ads, assets and brief (one query
    # each, for every version at once) and the same five tables now.
    assert few == many <= 19
