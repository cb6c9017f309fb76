"""Shipments in a real browser: the public tracking page on a phone, and a dispatcher adding an
event on a shipment's page in the panel."""

from __future__ import annotations

from playwright.async_api import Browser, Page, expect

from core.models import Role
from tests.api.shipment_data import deliver_with_proof, dispatcher_actor, make_shipment
from tests.e2e.conftest import TIMEOUT_MS, needs_chromium
from tests.e2e.test_browser import make_staff
from tests.e2e.test_panel_browser import sign_in, snap

pytestmark = needs_chromium
PHONE = {"width": 390, "height": 844}


async def test_the_tracking_page_on_a_phone(runtime, browser: Browser):
    shipment = await make_shipment("Adaeze Okafor")
    await deliver_with_proof(runtime, await dispatcher_actor(), shipment)
    context = await browser.new_context(
        locale="en-US", viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )  # type: ignore[arg-type]
    context.set_default_timeout(TIMEOUT_MS)
    page = await context.new_page()
    problems: list[str] = []
    page.on(
        "response",
        lambda r: problems.append(r.url) if r.status >= 400 and "favicon" not in r.url else None,
    )
    try:
        await page.goto(f"{runtime.base_url}/t/{shipment.tracking_token}")
        await expect(page.locator("#shipment-number")).to_have_text(shipment.number)
        await expect(page.locator("#shipment-status")).to_have_text("Delivered")
        await expect(page.locator("#route svg")).to_be_visible()
        await expect(page.locator("#route svg")).to_contain_text("Ibadan")
        first = page.locator(".timeline li").first
        await expect(first).to_contain_text("Delivered")
        await expect(first).to_contain_text("Kano, Sabon Gari")
        photo = page.locator("#proof img")
        await expect(photo).to_be_visible()
        assert await photo.evaluate("img => img.complete && img.naturalWidth > 0")
        # Fits the phone: nothing wider than the screen, styles from our own file applied.
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"]
        radius = await page.locator(".card").first.evaluate(
            "el => getComputedStyle(el).borderTopLeftRadius"
        )
        assert radius == "12px"
        assert not problems, problems  # e.g. a style or image the policy refused
        await snap(page, "tracking-phone")

        await page.goto(f"{runtime.base_url}/t/not-a-real-token")
        await expect(page.locator("#tracking-missing h1")).to_have_text("Tracking link not found")
    finally:
        await context.close()


async def test_a_dispatcher_adds_an_event_in_the_panel(runtime, page: Page):
    shipment = await make_shipment("Adaeze Okafor")
    await make_staff("Dayo Dispatcher", "dayo", Role.DISPATCHER)
    path = f"/admin/shipments/{shipment.number}"
    await sign_in(page, runtime.base_url, "dayo", path)
    await expect(page.locator("#shipment-status")).to_have_text("Booked")
    await expect(page.locator("#legs-table tbody tr")).to_have_count(2)

    await page.get_by_label("Status", exact=True).select_option(label="Picked up")
    await page.get_by_label("Place", exact=True).fill("Apapa, Lagos")
    await page.get_by_label("Note", exact=True).fill("8 pallets, sealed")
    await page.get_by_role("button", name="Add the event").click()

    await expect(page.get_by_role("status")).to_have_text("The event is added.")
    await expect(page.locator("#shipment-status")).to_have_text("Picked up")
    row = page.locator("#events-table tbody tr").first
    await expect(row).to_contain_text("Apapa, Lagos")
    await expect(row).to_contain_text("8 pallets, sealed")
    await expect(row).to_contain_text("Dayo Dispatcher")
    await snap(page, "shipment")
