"""A real browser against the live admin: Debian's chromium driven by Playwright.

One chromium for the whole browser suite, a fresh context (cookies, storage)
per test, and a screenshot of where every test ended in
var/artefacts/browser/<test name>.png, pass or fail.

Never a Playwright-downloaded browser: the machines reach package registries
only, so chromium comes from Debian (`make test` installs it as root). Without
it the tests skip and say how to install it — except under CI, where a
browser suite that silently skips would prove nothing, so they fail.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

# The sandbox platform and a synced LIVE account on it, shared with the executor tests.
from tests.executors.conftest import sandbox, sandbox_account  # noqa: F401
from tests.executors.execution.conftest import live_account  # noqa: F401

ARTEFACTS = Path(settings.VAR_DIR) / "artefacts" / "browser"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
INSTALL_HINT = (
    "the browser tests need Debian's chromium: run `apt-get install -y chromium` as root "
    "(`make test` does it when it can) and `pip install -r requirements-dev.txt`, "
    "or point SPECTRA_CHROMIUM at a chromium binary"
)
# Fail fast: an admin page on loopback answers in well under a second.
TIMEOUT_MS = 10_000


def _chromium_path() -> str | None:
    configured = os.environ.get("SPECTRA_CHROMIUM")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    if os.access(DEFAULT_CHROMIUM, os.X_OK):
        return DEFAULT_CHROMIUM
    return shutil.which("chromium")


def _unavailable(why: str):
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the browser tests, but {why}; {INSTALL_HINT}.", pytrace=False)
    pytest.skip(f"{why}; {INSTALL_HINT}.")


@pytest.fixture(scope="package")
def browser():
    """One headless chromium for every test in this package."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    executable = _chromium_path()
    if executable is None:
        _unavailable(f"no chromium at {os.environ.get('SPECTRA_CHROMIUM', DEFAULT_CHROMIUM)}")

    # Playwright's sync API keeps an asyncio loop marked running on this thread,
    # and Django then refuses ORM calls from it as "async". The test's ORM calls
    # are plain synchronous ones, so allow them — only while the browser runs:
    # the loop is gone once Playwright stops, and so is the permission.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            # Containers give /dev/shm 64 MB, which chromium outgrows.
            args=["--disable-dev-shm-usage"],
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server, request):
    """A page in a fresh browser context on the live server; screenshotted at the end.

    1440 × 900: a marketing-ops person's laptop, the size the console is held to."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1440, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=str(ARTEFACTS / f"{request.node.name}.png"), full_page=True)
    finally:
        context.close()
