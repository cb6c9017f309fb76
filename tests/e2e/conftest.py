"""One headless Debian Chromium for the browser tests, and a fresh browser context per test.

Never a downloaded browser (`playwright install` is not part of the build): modules that
need it skip themselves with `needs_chromium` when /usr/bin/chromium is absent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT_MS = 15_000
VIEWPORT = {"width": 1280, "height": 800}

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"
)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        await chromium.close()


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    """A fixed viewport and locale, so screenshots are the same size from run to run."""
    ctx = await browser.new_context(locale="en-US", viewport=VIEWPORT)  # type: ignore[arg-type]
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    await ctx.close()


@pytest.fixture
async def page(context: BrowserContext) -> Page:
    return await context.new_page()
