"""From any page, a person opens what waits for them and follows a line to act on it."""

import re

import pytest
from playwright.sync_api import expect

from campaigns.models import Alert, AlertKind, Recommendation, RecommendationStatus, Severity
from tests.browser.conftest import ARTEFACTS
from tests.browser.pages import log_in, row
from tests.factories import make_recommendation

pytestmark = pytest.mark.browser


def test_an_approver_opens_what_needs_them_and_goes_to_the_blocked_changes(page, alice, bob):
    page.set_viewport_size({"width": 1440, "height": 900})
    blocked = make_recommendation(alice.campaign)
    Recommendation.objects.filter(pk=blocked.pk).update(status=RecommendationStatus.BLOCKED)
    Alert.objects.create(
        organization=alice.org,
        account=alice.account,
        kind=AlertKind.SYNC_FAILED,
        severity=Severity.CRITICAL,
        title="alice account: sync failed three times",
    )
    log_in(page, alice.approver)

    page.goto("/admin/campaigns/campaign/")
    page.locator("#attention-link").click()

    expect(page.locator("#attention-summary")).to_have_text("3 things wait for you.")
    expect(page.locator("#attention-decisions")).to_contain_text(
        "alice account: 1 proposed change(s)"
    )
    expect(page.locator("#attention-alerts li.attention-critical")).to_contain_text(
        "sync failed three times"
    )
    expect(page.locator("#content")).not_to_contain_text("bob")
    page.screenshot(path=str(ARTEFACTS / "attention_list_1440.png"))

    page.get_by_role("link", name=re.compile("blocked by a guardrail")).click()
    expect(page).to_have_url(re.compile(r"status__exact=blocked"))
    expect(row(page, blocked.pk)).to_be_visible()
    expect(row(page, alice.recommendation.pk)).to_have_count(0)  # proposed, not blocked
