"""A manager answers a client's request from the staff bot: priced with margin, a price
changed with its reason, and the quote sent to the client's own channel."""

from __future__ import annotations

from decimal import Decimal

from core.models import AuditLog, Client, Order, Quote, QuoteRequest
from tests.contract.test_onboarding import onboard
from tests.contract.test_quote import ORDER_PLACED, _ask_lagos_to_kano, _network, ru, ru_start
from tests.quotes.test_followup import _manager


async def test_a_manager_reprices_a_request_in_the_bot_and_the_client_orders(chat_factory):
    await _network()
    tunde, manager = await _manager(chat_factory)
    ada = chat_factory("viber")
    await onboard(ada, "+234 803 777 0010")
    await Client.filter(phone="+2348037770010").update(manager=manager)
    await _ask_lagos_to_kano(ada, "Cheapest")
    await ada.expect(ru_start("Your quote #{number}, valid until {day}:"))
    await ada.press(ru("Ask a manager"))
    await ada.expect(ru("A manager will contact you here about this quote soon."))
    request = await QuoteRequest.get(client__phone="+2348037770010")
    await tunde.expect(f"asks a manager about request #{request.id}")

    await tunde.press("Requests")
    listing = await tunde.expect("Requests waiting for a manager:")
    [new_quote, (label, _payload)] = listing.buttons
    assert new_quote[0] == "New quote for a client"
    assert label.startswith(f"#{request.id} Ada: Lagos → Kano, 500 kg")
    await tunde.press(label)
    priced = await tunde.expect(f"Request #{request.id} from Ada: Lagos → Kano, 500 kg.")
    assert "1. Road Lagos → Ibadan, then Rail Ibadan → Kano" in priced.text
    assert "Margin: " in priced.text
    await tunde.press("Change price of option 1")
    await tunde.expect("Type the new price of option 1, before VAT.")
    await tunde.send("zero")
    await tunde.expect("Type the price as a number, e.g. 90000.")
    await tunde.send("90 000")
    await tunde.expect("Why is the price changed? One line for the record.")
    await tunde.send("Loyal client since 2019")
    repriced = await tunde.expect(f"Request #{request.id} from Ada")
    first_option = repriced.text.split("\n\n")[1]
    assert "90,000.00" in first_option and "99,000.00" not in first_option
    await tunde.press("Send to client")
    await tunde.expect("The quote was sent to the client.")

    resent = await ada.expect(ru_start("Your quote #{number}, valid until {day}:"))
    assert "90" in resent.text
    await ada.press(ru("Order option {n}", n=1))
    await ada.expect(ru_start(ORDER_PLACED))
    order = await Order.get(request=request)
    assert order.price == Decimal("90000.00")
    entry = await AuditLog.get(action="quote.price_overridden")
    assert entry.details["reason"] == "Loyal client since 2019"
    assert not (await QuoteRequest.get(id=request.id)).needs_manager


async def test_a_manager_quotes_a_client_from_scratch_in_the_bot(chat_factory):
    await _network()
    tunde, manager = await _manager(chat_factory)
    ada = chat_factory("viber")
    await onboard(ada, "+234 803 777 0011")
    await Client.filter(phone="+2348037770011").update(manager=manager)

    await tunde.press("Requests")
    await tunde.expect("No request is waiting for a manager.")
    await tunde.press("New quote for a client")
    await tunde.expect("Which client is it for? Type their phone number or #id.")
    await tunde.send("0803 000 0000")
    await tunde.expect("No client has that #id or phone.")
    await tunde.send("0803 777 0011")
    await tunde.expect("Quote for Ada.")
    await tunde.send("Lagos")
    await tunde.expect("Where should it go? Type a city, port or terminal.")
    await tunde.send("Kano")
    await tunde.expect("What kind of cargo is it?")
    await tunde.press("General cargo")
    await tunde.expect("What does it weigh in total, in kg?")
    await tunde.send("500")
    await tunde.expect("How big is it?")
    await tunde.press("Skip")
    await tunde.expect("When is the cargo ready? Pick a day or type a date.")
    await tunde.press("Tomorrow")
    await tunde.expect("What matters most to you?")
    await tunde.press("Cheapest")
    desk = await tunde.expect("from Ada: Lagos → Kano, 500 kg.")
    assert "Margin: " in desk.text
    # Until Send it is a request waiting for a manager, with no quote the client has not seen.
    waiting = await QuoteRequest.get(client__phone="+2348037770011")
    assert waiting.state.value == "new" and waiting.needs_manager
    assert not await Quote.filter(request=waiting).exists()
    await tunde.press("Send to client")
    await tunde.expect("The quote was sent to the client.")

    told = await ada.expect(ru_start("Your quote #{number}, valid until {day}:"))
    assert "99" in told.text
    request = await QuoteRequest.get(client__phone="+2348037770011")
    assert request.state.value == "quoted" and request.channel is None
