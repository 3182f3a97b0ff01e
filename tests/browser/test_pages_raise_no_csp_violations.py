"""The Content-Security-Policy forbids what the pages do not need, and they need nothing
it forbids: no violation on the admin, the ops dashboard (with its SVG charts) or the API docs."""

import pytest
from playwright.sync_api import expect

from executors.tasks import execute_approved_task
from tests.browser.pages import log_in
from tests.executors.execution.conftest import approved_budget

pytestmark = pytest.mark.browser


def _watch(page) -> list[str]:
    """Every CSP violation the page reports (the DOM event and the console line)."""
    seen: list[str] = []
    page.on(
        "console",
        lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('Content Security Policy violation: ' + e.violatedDirective"
        " + ' ' + e.blockedURI));"
    )
    return seen


def test_the_dashboard_and_admin_pages_raise_no_violation(page, sandbox, live_account, alice):
    approved_budget(live_account, alice.approver)
    execute_approved_task(live_account.pk)
    violations = _watch(page)
    log_in(page, alice.admin)
    page.goto("/admin/")
    expect(page.locator("#spend-pacing svg")).to_be_visible()  # the dashboard's chart

    for url in (
        "/admin/campaigns/campaign/",
        f"/admin/campaigns/campaign/{live_account.campaigns.first().pk}/change/",
        f"/admin/campaigns/adaccount/{live_account.pk}/change/",
        "/admin/campaigns/recommendation/",
        "/admin/campaigns/organization/",
    ):
        response = page.goto(url)
        assert response.status == 200, url
        assert "default-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")

    assert violations == []


def test_the_api_docs_render_under_the_policy(page, db):
    violations = _watch(page)

    response = page.goto("/api/docs/")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    # Swagger UI renders the whole schema in the browser: seconds on a loaded CI machine.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Spectra API", timeout=30_000)

    assert violations == []
