"""An approver saves the queue's filters under a name, finds them again in a click after
reloading, and deletes them; another person never sees them."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from campaigns.models import SavedFilter
from tests.browser.pages import log_in, messages, row
from tests.factories import make_account, make_campaign, make_recommendation

pytestmark = pytest.mark.browser

SCREEN = {"width": 1440, "height": 900}


def test_an_approver_saves_reloads_applies_and_deletes_a_view(page, alice, bob):
    adobe = make_account(alice.org, name="alice adobe")
    risky = make_recommendation(
        make_campaign(adobe, name="Adobe brand"),
        risk="high",
        expected_impact=Decimal("900"),
    )
    small = make_recommendation(
        make_campaign(adobe, name="Adobe generic"),
        risk="high",
        expected_impact=Decimal("100"),
    )
    calm = make_recommendation(make_campaign(adobe, name="Adobe calm"), risk="low")
    page.set_viewport_size(SCREEN)
    log_in(page, alice.approver)

    page.goto("/admin/campaigns/recommendation/queue/")
    filters = page.locator("#changelist-filter")
    filters.get_by_role("link", name="alice adobe").click()
    expect(page).to_have_url(re.compile(rf"account={adobe.pk}"))
    filters.locator("details[data-filter-title=risk]").get_by_role("link", name="High").click()
    expect(page).to_have_url(re.compile(r"risk__exact=high"))
    impact = page.locator("#result_list thead th.column-impact_short").get_by_role(
        "link", name="impact / day"
    )
    expect(row(page, calm.pk)).to_have_count(0)
    # Each click loads a new page: wait for it, or the second click lands on the old one.
    impact.click()
    expect(page).to_have_url(re.compile(r"[?&]o=\d"))
    impact.click()  # biggest first
    expect(page).to_have_url(re.compile(r"[?&]o=-\d"))
    expect(row(page, calm.pk)).to_have_count(0)
    filtered_url = page.url

    page.locator("#save-view summary").click()
    page.fill("#id_saved_view_name", "Adobe, high risk, by impact")
    page.screenshot(path="var/artefacts/browser/saved_view_naming.png")
    page.get_by_role("button", name="Save view").click()
    expect(messages(page)).to_contain_text("Saved the view “Adobe, high risk, by impact”")
    expect(page).to_have_url(filtered_url)

    page.goto("/admin/campaigns/recommendation/")  # later, from the plain list
    page.reload()
    expect(row(page, calm.pk)).to_have_count(1)
    page.locator("#saved-views").get_by_role("link", name="Adobe, high risk, by impact").click()

    # A retrying assertion: the click starts a page load, and the rows read half-way
    # through it are none at all.
    expect(page.locator("#result_list tbody th a")).to_have_text([str(risky.pk), str(small.pk)])
    expect(row(page, calm.pk)).to_have_count(0)
    expect(page.locator("#saved-views .saved-view.active")).to_have_text(
        re.compile("Adobe, high risk, by impact")
    )
    page.screenshot(path="var/artefacts/browser/saved_view_applied.png", full_page=True)

    page.get_by_role("button", name="Delete the view Adobe, high risk, by impact").click()
    expect(messages(page)).to_contain_text("Deleted the saved view “Adobe, high risk, by impact”")
    expect(page.locator("#saved-views .saved-view")).to_have_count(0)
    assert not SavedFilter.objects.exists()


def test_a_view_is_its_owners_alone(page, alice, bob):
    mine = SavedFilter.objects.create(
        owner=alice.approver,
        organization=alice.org,
        changelist="campaigns.recommendation",
        name="alice's high risk",
        query="risk__exact=high",
    )
    log_in(page, bob.approver)

    page.goto("/admin/campaigns/recommendation/")
    expect(page.locator("#saved-views")).not_to_contain_text("alice's high risk")
    response = page.goto(f"/admin/campaigns/recommendation/saved-views/{mine.pk}/")
    assert response.status == 404
