"""A launch walked through in a real browser: the dashboard's "Launch a campaign" tile,
the brief's form (a wrong landing page is pointed out beside its field, then fixed),
Generate assets, the review page (uncertain assets passed, the launch approved) and
the campaign page saying it is active once the platform has it. The generation and
deployment tasks are driven here, as the task layer would run them."""

import pytest
from playwright.sync_api import expect

from campaigns.actors import system_user
from campaigns.models import Campaign, CampaignStatus
from executors.deploy import deploy_campaign
from tests.browser.conftest import ARTEFACTS
from tests.browser.pages import log_in, messages
from tests.creative.conftest import _fast_backoff, llm  # noqa: F401
from tests.creative.launches import run_chain
from tests.executors.deploy.conftest import _fresh_tokens, created, google_account  # noqa: F401
from tests.factories import brief_fields

pytestmark = pytest.mark.browser


def _shot(page, name: str, *, full_page: bool = True) -> None:
    """A screenshot of the page; the review page is many screens long, so its top only."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"launch-{name}.png"), full_page=full_page)


def _fill_brief(page, account) -> None:
    page.select_option("#id_account", str(account.pk))
    fields = brief_fields(account, name="Winter socks", landing_url="example.com/socks")
    page.select_option("#id_objective", fields.pop("objective"))
    for name, value in fields.items():
        page.fill(f"#id_{name}", value)


def test_a_brief_is_launched_from_the_dashboard(page, alice, sandbox, llm):  # noqa: F811
    account = google_account(alice, sandbox, name="Alice Google Ads")
    log_in(page, alice.approver)

    page.goto("/admin/")
    _shot(page, "1-dashboard")
    page.click("#tile-launch")
    expect(page.locator("h1")).to_have_text("Launch a campaign")

    _fill_brief(page, account)
    page.click("#brief-submit")
    expect(page.locator("#brief-errors")).to_contain_text("Nothing was created")
    expect(page.locator(".field-landing_url .errorlist")).to_contain_text("web address")
    expect(page.locator(".errorlist")).to_have_count(1)
    _shot(page, "2-form-with-an-error")
    assert not Campaign.objects.filter(name="Winter socks").exists()
    page.fill("#id_landing_url", "https://example.com/socks")
    page.click("#brief-submit")

    expect(messages(page)).to_contain_text("is a draft")
    expect(page.locator("#launch-panel-state")).to_have_text("Draft")
    _shot(page, "3-draft")
    page.click("#launch-generate")
    expect(messages(page)).to_contain_text("Generating assets")
    expect(page.locator("#launch-generating")).to_be_visible()
    campaign = Campaign.objects.get(name="Winter socks")
    run_chain(campaign)

    page.reload()
    expect(page.locator("#launch-in-review")).to_be_visible()
    page.click("#launch-review")
    expect(page.locator("#launch-state")).to_have_text("Pending deployment")
    expect(page.locator(".ad-preview .ad-headline").first).not_to_be_empty()
    _shot(page, "4-review", full_page=False)
    passes = page.locator(".asset-forms").get_by_role("button", name="Approve", exact=True)
    while passes.count():  # the uncertain assets a person passes, one at a time
        # Wait for the page the click posts to: the last click's "approved" message is
        # still on the old one, and counting buttons there would race the reload.
        with page.expect_navigation():
            passes.first.click()
        expect(messages(page)).to_contain_text("approved")
    expect(page.locator("#launch-problems")).to_have_count(0)
    page.get_by_role("button", name="Approve launch").click()
    expect(messages(page)).to_contain_text("on its way to the platform")
    _shot(page, "5-approved", full_page=False)

    assert deploy_campaign(campaign.pk, actor=system_user()) == "active"
    page.click(".breadcrumbs a >> text=Winter socks")
    expect(page.locator("#launch-panel-state")).to_have_text("Active")
    expect(page.locator("#launch-approved")).to_contain_text(alice.approver.username)
    expect(page.locator("#launch-flags")).to_have_count(0)  # the review's flags are done with
    _shot(page, "6-active")
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ACTIVE
    assert [c["name"] for c in created(sandbox, "campaigns")].count("Winter socks") == 1
