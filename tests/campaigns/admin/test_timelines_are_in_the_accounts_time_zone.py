"""The audit timeline, the versions page and the campaign page speak the account's time
zone, as the dashboard does — not UTC beside a dashboard in Asia/Kolkata."""

from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def kolkata(alice):
    alice.account.time_zone = "Asia/Kolkata"
    alice.account.save(update_fields=["time_zone"])
    return alice


def _page(user, url) -> str:
    client = Client()
    client.force_login(user)
    return client.get(url).content.decode()


def test_the_versions_page_shows_the_accounts_zone(kolkata):
    campaign = kolkata.campaign
    first = campaign.history.order_by("history_date").first()
    local = first.history_date.astimezone(ZoneInfo("Asia/Kolkata"))

    html = _page(kolkata.viewer, reverse("admin:campaigns_campaign_versions", args=[campaign.pk]))

    assert "When (Asia/Kolkata)" in html
    assert f"{local:%Y-%m-%d %H:%M}" in html


def test_the_audit_timeline_shows_the_accounts_zone(kolkata):
    html = _page(
        kolkata.viewer, reverse("admin:campaigns_campaign_audit", args=[kolkata.campaign.pk])
    )

    assert "When (Asia/Kolkata)" in html


def test_the_campaign_pages_recent_changes_show_the_accounts_zone(kolkata):
    rec = kolkata.recommendation
    local = rec.created_at.astimezone(ZoneInfo("Asia/Kolkata"))

    html = _page(
        kolkata.viewer, reverse("admin:campaigns_campaign_change", args=[kolkata.campaign.pk])
    )

    assert "created (Asia/Kolkata)" in html and "(UTC)" not in html
    assert f"<td>{local:%Y-%m-%d %H:%M}</td>" in html
