"""An approver reads on the versions page what restoring the launch would change — the
headline edited since and the keyword added since, in words — and rolls back to it; the
worker puts the launch's copy back on the platform and takes the keyword away."""

import pytest
from playwright.sync_api import expect

from executors.tasks import execute_approved_task
from tests.browser.pages import log_in, messages
from tests.executors.deploy.conftest import HEADLINES
from tests.executors.versions.conftest import edited_launch, live_ads, live_keywords

pytestmark = pytest.mark.browser


def test_an_approver_restores_the_launch_copy_and_keywords(page, sandbox, alice):
    campaign, launch, original_keywords = edited_launch(alice, sandbox)
    log_in(page, alice.approver)

    page.goto(f"/admin/campaigns/campaign/{campaign.pk}/versions/")
    form = page.locator(f"form[action$='/versions/{launch}/rollback/']")
    version = page.locator("#content table tbody tr").filter(has=form)
    changes = version.locator(".version-changes")
    expect(changes).to_contain_text(
        "headline ‘Socks half price’ replaced by ‘Wool socks on sale’ (Wool socks)"
    )
    expect(changes).to_contain_text("keyword ‘cheap wool socks’ [PHRASE] in Wool socks removed")
    version.locator("input[name=note]").fill("Back to the launch copy")
    version.get_by_role("button", name="Roll back to this version").click()
    expect(messages(page)).to_contain_text("2 rollback change(s) created and approved")

    execute_approved_task(campaign.account_id)

    assert live_keywords(sandbox, campaign) == original_keywords
    assert all(a["headlines"] == HEADLINES for a in live_ads(sandbox, campaign))
    page.goto(f"/admin/campaigns/campaign/{campaign.pk}/versions/")
    expect(page.locator(".version-changes").first).to_contain_text("nothing")
