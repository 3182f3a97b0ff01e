"""A limit set in the browser trips: the worker pauses the campaign, e-mails an alert,
and an approver acknowledges it from the dashboard."""

import pytest
from django_q.conf import Conf
from playwright.sync_api import expect

from campaigns.models import Alert, AlertKind, Campaign, CampaignStatus
from executors import spend_limits
from executors.tasks import enforce_spend_limits_task
from tests.browser.pages import log_in, messages, row, run_action

pytestmark = pytest.mark.browser


def test_a_tripped_spend_limit_pauses_the_campaign_and_the_alert_is_acknowledged(
    page, sandbox, live_account, alice, mailoutbox, monkeypatch
):
    # The sandbox's calendar, and django-q2 tasks (the alert's notification) run inline.
    monkeypatch.setattr(
        spend_limits, "account_today", lambda account, now=None: sandbox.world.today_date
    )
    monkeypatch.setattr(Conf, "SYNC", True)
    alice.approver.email = "approver@alice.example"
    alice.approver.save(update_fields=["email"])
    campaign = Campaign.objects.get(account=live_account, external_id="CMP-0001")
    log_in(page, alice.analyst)

    page.goto(f"/admin/campaigns/campaign/{campaign.pk}/change/")
    page.fill("#id_max_daily_spend", "1")
    page.fill("#id_reason", "Trial cap while the landing page is fixed")
    page.click("input[name=_save]")
    expect(messages(page)).to_contain_text("was changed successfully")

    assert enforce_spend_limits_task(live_account.pk) == 1  # the worker's 15-minute check

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PAUSED
    world = sandbox.world
    assert world.campaign(world.campaign_index("CMP-0001"))["status"] == "paused"
    alert = Alert.objects.get(kind=AlertKind.SPEND_LIMIT)
    [mail] = mailoutbox
    assert mail.to == ["approver@alice.example"]
    assert alert.title in mail.subject

    page.context.clear_cookies()
    log_in(page, alice.approver)
    page.goto("/admin/")
    tile = page.locator("#tile-open-alerts")
    expect(tile.locator(".ops-figure")).to_have_text("1")
    tile.click()
    expect(row(page, alert.pk)).to_contain_text(campaign.name)
    page.check(f"input[name=_selected_action][value='{alert.pk}']")
    run_action(page, "acknowledge_selected")

    expect(messages(page)).to_contain_text("Acknowledged 1 alert(s).")
    expect(row(page, alert.pk)).to_have_count(0)  # the list shows open alerts only
    alert.refresh_from_db()
    assert alert.acknowledged_by == alice.approver
    page.goto(f"/admin/campaigns/campaign/{campaign.pk}/change/")
    expect(page.locator("#content")).to_contain_text("Paused")
