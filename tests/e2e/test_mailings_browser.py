"""Mailings in a real browser: a marketer watches a segment's count follow the filters without
submitting, writes a template with the SMS counter live, then launches a campaign and
watches its page reach 100% while the test drives the mailing worker."""

from __future__ import annotations

from playwright.async_api import Page, expect

from core.models import Role, Segment
from tests.e2e.conftest import needs_chromium
from tests.e2e.test_browser import make_staff
from tests.e2e.test_panel_browser import sign_in, snap
from tests.mailings.helpers import client_on

pytestmark = needs_chromium


async def test_a_marketer_builds_a_segment_and_watches_a_campaign_finish(runtime, page: Page):
    await make_staff("Mira Marketer", "mira", Role.MARKETER)
    await client_on("Ada Obi", city="Kano")
    await client_on("Bola Ade", city="Kano", consent=False)
    await client_on("Chidi Eze", city="Lagos")
    base = runtime.base_url
    await sign_in(page, base, "mira", "/admin/mailings/segments/new")

    count = page.locator("#segment-count")
    await expect(count).to_have_text("3 clients match")
    await page.get_by_label("Cities").fill("Kano")
    await expect(count).to_have_text("2 clients match")
    await page.get_by_label("Agreed to offers on").select_option(label="Telegram")
    await expect(count).to_have_text("1 client matches")
    assert await Segment.all().count() == 0  # nothing was submitted
    await page.locator("#in-name").fill("Kano buyers")
    await snap(page, "mailing-segment")
    await page.get_by_role("button", name="Save", exact=True).click()
    await expect(page.locator(".notice")).to_have_text("The segment is saved.")
    await expect(count).to_have_text("1 client matches")

    await page.goto(f"{base}/admin/mailings/templates/new")
    await page.locator("#in-name").fill("Kano rates")
    await page.locator("#in-en-messenger-body").fill("Hello {client_name}, new rates to Kano.")
    await page.locator("#in-en-sms-body").fill("x" * 161)
    await expect(page.locator("#sms-parts-en")).to_have_text("GSM-7, 2 parts")
    await page.locator("#in-en-sms-body").fill("Привет")
    await expect(page.locator("#sms-parts-en")).to_have_text("UCS-2, 1 part")
    await snap(page, "mailing-template")
    await page.get_by_role("button", name="Save", exact=True).click()
    await expect(page.locator(".notice")).to_have_text("The template is saved.")

    await page.goto(f"{base}/admin/mailings")
    await page.get_by_role("link", name="New campaign").click()
    await page.locator("#in-name").fill("Kano rates, March")
    await page.get_by_label("Segment").select_option(label="Kano buyers")
    await page.get_by_label("Message template").select_option(label="Kano rates")
    await snap(page, "mailing-campaign-form")
    await page.get_by_role("button", name="Launch", exact=True).click()
    await expect(page.locator("#campaign-state")).to_have_text("Scheduled")
    await expect(page.locator("#progress-percent")).to_have_text("0%")

    await runtime.mailer.drain()
    # The page polls its progress and reloads itself when the campaign's state changes.
    await expect(page.locator("#progress-percent")).to_have_text("100%")
    await expect(page.locator("#campaign-state")).to_have_text("Finished")
    await expect(page.locator("#count-sent")).to_have_text("1")
    await expect(page.locator("#recipients-table tbody tr")).to_have_count(1)
    await expect(page.locator("#recipients-table tbody tr").first).to_contain_text("Ada Obi")
    await snap(page, "mailing-campaign")
