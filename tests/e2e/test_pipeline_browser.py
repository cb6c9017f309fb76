"""The pipeline board in a real browser: a head of sales drags a card to another stage."""

from __future__ import annotations

from playwright.async_api import Page, expect

from core.models import QuoteRequest, RequestState, Role
from tests.contract.test_quote import _network
from tests.e2e.conftest import needs_chromium
from tests.e2e.test_browser import make_staff
from tests.e2e.test_panel_browser import sign_in, snap
from tests.quotes.sales_data import client_identity, request_quote

pytestmark = needs_chromium


async def test_a_card_dragged_to_refused_is_refused(runtime, page: Page):
    await _network()
    await make_staff("Kemi Head", "kemi", Role.HEAD_OF_SALES)
    waiting = await request_quote(await client_identity("Bisi Ade"), "Qwzxv Farm", "Kano")
    quoted = await request_quote(await client_identity("Adaeze Okafor"))
    await sign_in(page, runtime.base_url, "kemi", "/admin/pipeline")
    card = page.locator(f"#card-{waiting.request.id}")
    await expect(card).to_contain_text("Qwzxv Farm → Kano")
    await snap(page, "pipeline")

    # A quoted card cannot be dropped on "Ordered": the column refuses it, nothing is posted.
    await page.locator(f"#card-{quoted.request.id}").drag_to(page.locator("#column-ordered"))
    await page.locator(f"#card-{waiting.request.id}").drag_to(page.locator("#column-refused"))
    await expect(page.locator("#column-refused")).to_contain_text("Bisi Ade")
    await expect(page.locator("#column-quoted")).to_contain_text("Adaeze Okafor")
    assert (await QuoteRequest.get(id=waiting.request.id)).state is RequestState.REFUSED
    assert (await QuoteRequest.get(id=quoted.request.id)).state is RequestState.QUOTED
