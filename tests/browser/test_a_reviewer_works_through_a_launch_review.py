"""The launch review page in a real browser under the Content-Security-Policy: the ad's
preview with its image, a rejection through the page's own form, no violation."""

import base64

import pytest
from playwright.sync_api import expect

from creative.launch.images import store_png
from tests.browser.pages import log_in
from tests.creative.launches import asset, reviewed_launch

pytestmark = pytest.mark.browser
# A 1×1 PNG, so the browser has a real image to decode.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def _violations(page) -> list[str]:
    seen: list[str] = []
    page.on(
        "console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None
    )
    return seen


def test_a_reviewer_sees_the_ad_and_rejects_an_asset(page, alice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    campaign = reviewed_launch(alice)
    image = campaign.assets.get(kind="image")
    image.image_url = store_png(campaign.pk, PIXEL)
    image.save()
    target = asset(campaign, "Free returns on shoes")
    violations = _violations(page)
    log_in(page, alice.approver)

    page.goto(f"/admin/creative/aicall/launches/{campaign.pk}/review/")
    expect(page.locator(".ad-preview .ad-headline")).to_contain_text("Shop Trailblazer GTX")
    loaded = page.locator(".ad-preview img").evaluate("img => img.complete && img.naturalWidth")
    assert loaded == 1
    row = page.locator(f"#asset-{target.pk}")
    row.locator("input[name=note][required]").fill("Returns policy changes in May")
    row.get_by_role("button", name="Reject").click()

    expect(page.locator(".messagelist")).to_contain_text("rejected")
    expect(page.locator(f"#asset-{target.pk}")).to_contain_text("Returns policy changes in May")
    expect(page.locator("#launch-problems")).to_contain_text("is unsafe")
    page.wait_for_load_state("networkidle")
    assert violations == []
