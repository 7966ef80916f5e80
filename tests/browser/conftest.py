"""Headless Debian Chromium driven by Playwright against pytest-django's live server.

Map tiles come from the internet, which tests never reach: their requests are aborted at once, so the pages show
their offline outlines, and those failures are the only console errors a test tolerates.
"""

import os
import re
from pathlib import Path

import pytest

from tests.conftest import empty_summary_tables, forget_cached_responses

# Playwright's sync API runs an event loop in this thread; Django would then refuse ORM calls from the test body.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TILE_URL = re.compile(r"^https?://([a-z]\.)?tile\.openstreetmap\.org/")


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageProblems:
    def __init__(self):
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.failed_requests: list[str] = []

    def unexpected(self) -> list[str]:
        other_failures = [url for url in self.failed_requests if not TILE_URL.match(url)]
        errors = list(self.page_errors) + [f"request failed: {url}" for url in other_failures]
        for text in self.console_errors:
            # Chromium logs each aborted tile as a bare "Failed to load resource" without its URL.
            if text.startswith("Failed to load resource: net::ERR_FAILED") and not other_failures:
                continue
            errors.append(text)
        return errors


@pytest.fixture
def live_server_clean(live_server, transactional_db):
    """The live server over an empty database, including the timeline summary tables kept by triggers (Django's
    flush TRUNCATEs the model tables, which fires no row trigger, so they would keep earlier tests' counts), and
    with no cached API response from an earlier test."""
    empty_summary_tables()
    forget_cached_responses()
    yield live_server
    empty_summary_tables()


@pytest.fixture
def page(browser, live_server_clean, request):
    """A fresh browser page; after the test, a screenshot in tests/artifacts/ and a check for console errors."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=live_server_clean.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = PageProblems()
    page.route(TILE_URL, lambda route: route.abort())
    page.on("console", lambda msg: msg.type == "error" and problems.console_errors.append(msg.text))
    page.on("pageerror", lambda error: problems.page_errors.append(str(error)))
    # A superseded load is cancelled on purpose (AbortController): ERR_ABORTED is not a failure.
    page.on("requestfailed", lambda req: req.failure != "net::ERR_ABORTED" and problems.failed_requests.append(req.url))
    page.problems = problems
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    finally:
        context.close()
    unexpected = problems.unexpected()
    assert not unexpected, f"console errors on the page: {unexpected}"


def wait_until_settled(page) -> None:
    """Waits for the dashboard's pending loads (counted on <html data-pending>) to finish."""
    page.wait_for_function("document.documentElement.dataset.pending === '0'")
