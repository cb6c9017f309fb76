"""A manager answers a client's request from the panel: same engine, a changed price with its
reason, the margin beside it, and the quote sent to the client's chat."""

from __future__ import annotations

from decimal import Decimal

from core.models import AuditLog, Client, Order, Quote, QuoteRequest, RequestState, Role
from tests.contract.test_onboarding import onboard
from tests.contract.test_quote import (
    ORDER_PLACED,
    WITH_MANAGERS,
    _network,
    ask_quote,
    ru,
    ru_start,
)
from tests.quotes.sales_data import client_identity
from tests.quotes.test_quote_calculator import _ngn, _tomorrow

QUOTE_HEAD = "Your quote #{number}, valid until {day}:"


async def _unknown_place_request(chat) -> QuoteRequest:
    await ask_quote(chat, "Qwzxv Farm", "Kano", "500", "Cheapest")
    await chat.expect(ru_start(WITH_MANAGERS))
    return await QuoteRequest.get(client__phone="+2348035550505")


async def test_a_manager_prices_a_request_by_hand_and_the_client_orders_it(
    panel_for, chat_factory
):
    await _network()
    chat = chat_factory("telegram")
    await onboard(chat, "+234 803 555 0505")
    waiting = await _unknown_place_request(chat)
    manager = await panel_for(Role.MANAGER)

    page = await manager.open(f"/admin/requests/{waiting.id}")
    assert "Price this request" in page.text("price-request")
    form = await manager.open(f"/admin/quotes/new?request={waiting.id}")
    assert 'value="Qwzxv Farm"' in form.html and f'value="#{waiting.destination_id} Kano"' in (
        form.html
    )
    fields = {
        "request": str(waiting.id),
        "client": f"#{waiting.client_id}",
        "origin": "Lagos",
        "destination": "Kano",
        "weight": "500",
        "cargo_type": "general",
        "ready": _tomorrow(),
        "priority": "5",
    }
    priced = await manager.submit("/admin/quotes/new", {**fields, "action": "price"})
    assert priced.status == 200, priced.body_text[-300:]
    assert priced.rows("quote-options")[0][4] == _ngn("99000")

    # A changed price without a reason is refused, and nothing is stored or sent.
    unexplained = await manager.submit(
        "/admin/quotes/new", {**fields, "action": "send", "override_1": "90000"}
    )
    assert unexplained.status == 422
    assert unexplained.field_error("override_reason").endswith("Say why the price is changed.")
    assert unexplained.rows("quote-options")[0][4] == _ngn("99000")  # still beside the error
    assert not await Quote.exists()

    sent = await manager.submit(
        "/admin/quotes/new",
        {
            **fields,
            "action": "send",
            "override_1": "90000",
            "override_reason": "Regular client, matched a competitor",
        },
    )
    assert sent.status == 200 and f"/admin/requests/{waiting.id}" in sent.url
    assert sent.text("done") == "The quote was sent to the client."
    options = sent.rows(f"quote-options-{(await Quote.get(request=waiting)).id}")
    assert options[0][3] == _ngn("90000")
    # The margin follows the new price: 90 000 less what the carriers charge us.
    cost = Decimal((await Quote.get(request=waiting)).options[0]["cost"])
    assert options[0][6] == _ngn(str(Decimal(90000) - cost))

    message = await chat.expect(ru_start(QUOTE_HEAD))
    assert "90" in message.text and "Lagos" in message.text
    await chat.press(ru("Order option {n}", n=1))
    await chat.expect(ru_start(ORDER_PLACED))
    order = await Order.get(request=waiting)
    assert order.price == Decimal("90000.00")

    request = await QuoteRequest.get(id=waiting.id)
    assert request.state is RequestState.ORDERED and not request.needs_manager
    assert request.origin_text == "Lagos"
    quote = await Quote.get(request=request)
    assert quote.created_by_id == manager.employee.id
    assert quote.override_reason == "Regular client, matched a competitor"
    entry = await AuditLog.get(action="quote.price_overridden")
    assert entry.details == {
        "reason": "Regular client, matched a competitor",
        "prices": {"1": ["99000.00", "90000.00"]},
    }


async def test_a_quote_for_a_client_without_a_consenting_chat_is_saved_not_sent(panel_for):
    await _network()
    manager = await panel_for(Role.MANAGER)
    identity = await client_identity("Silent Ltd")
    client = await Client.get(id=identity.client_id)
    sent = await manager.submit(
        "/admin/quotes/new",
        {
            "client": f"#{client.id}",
            "origin": "Lagos",
            "destination": "Kano",
            "weight": "500",
            "cargo_type": "general",
            "ready": _tomorrow(),
            "priority": "1",
            "action": "send",
        },
        csrf_from="/admin/quotes/new",
    )
    assert sent.text("done").startswith("The quote is saved, but not sent")
    request = await QuoteRequest.get(client=client)
    assert request.state is RequestState.QUOTED and request.manager_id == manager.employee.id


async def test_a_page_posted_twice_makes_one_quote(panel_for):
    await _network()
    manager = await panel_for(Role.MANAGER)
    identity = await client_identity("Twice Ltd")
    priced = await manager.submit(
        "/admin/quotes/new",
        {
            "client": f"#{identity.client_id}",
            "origin": "Lagos",
            "destination": "Kano",
            "weight": "500",
            "cargo_type": "general",
            "ready": _tomorrow(),
            "priority": "1",
            "action": "price",
        },
        csrf_from="/admin/quotes/new",
    )
    token = priced.html.split('name="submission" value="')[1].split('"')[0]
    form = {
        "client": f"#{identity.client_id}",
        "origin": "Lagos",
        "destination": "Kano",
        "weight": "500",
        "cargo_type": "general",
        "ready": _tomorrow(),
        "priority": "1",
        "action": "send",
        "submission": token,
    }
    first = await manager.submit("/admin/quotes/new", form)
    assert first.text("done").startswith("The quote is saved, but not sent")
    again = await manager.submit("/admin/quotes/new", form, csrf_from="/admin/quotes/new")
    assert again.text("done") == (
        "This quote was already made from that page; it was not sent again."
    )
    assert again.url == first.url.split("?")[0] + "?done=repeated"
    assert await Quote.filter(request__client_id=identity.client_id).count() == 1
