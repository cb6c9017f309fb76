"""The contract, extended: a client asks for a quote and orders it, the same on every channel.

The demo network (Lagos, Ibadan, Kano, Abuja; road and rail; VAT off) prices 500 kg from
Lagos to Kano at 99 000 NGN by road and rail (cheapest) or 168 000 NGN by direct road
(faster); the sums are worked out in tests/quotes/test_demo_network.py.
"""

from __future__ import annotations

from decimal import Decimal

from core.i18n import current_i18n, format_money
from core.models import (
    Carrier,
    Channel,
    Client,
    Interaction,
    Order,
    Quote,
    QuoteRequest,
    RefusalReason,
    RequestState,
)
from core.services import demo
from core.services.interactions import Subject
from core.services.locations import forget_index, load_world_cities
from tests.contract.test_onboarding import onboard

ORDER_PLACED = (
    "Thank you! Your order {number} is placed: {total}. Your manager will contact you "
    "to confirm the pickup."
)
WITH_MANAGERS = (
    "Thank you! Your request #{number} is with our managers: they will price it "
    "and contact you here."
)
SIZE_QUESTION = (
    "How big is it? Type the total volume in m³ (e.g. 2.5), or one piece's "
    "length × width × height in cm and the number of pieces (e.g. 120x80x100x4). "
    "Or skip if you do not know."
)


def ru(message: str, **params) -> str:
    text = current_i18n().gettext(message, "ru")
    return text.format(**params) if params else text


def ru_start(message: str) -> str:
    """The translated message up to its first placeholder, to wait for a filled-in message."""
    return ru(message).split("{")[0]


async def _network() -> None:
    await demo.seed_demo()  # seeds an empty database only; the network needs its carriers
    for name in ("Lagos Haulage Co", "Northern Rail Freight"):
        await Carrier.get_or_create(name=name)
    forget_index()
    await load_world_cities(min_population=2_000_000)
    assert await demo.seed_demo_network()


async def ask_quote(chat, origin: str, destination: str, weight: str, priority: str) -> None:
    """The whole conversation with no mistakes: general cargo, size skipped, ready tomorrow."""
    await chat.press(ru("Request a quote"))
    await chat.expect(ru("Where does the cargo start? Type a city, port or terminal."))
    await chat.send(origin)
    await chat.expect(ru("Where should it go? Type a city, port or terminal."))
    await chat.send(destination)
    await chat.expect(ru("What kind of cargo is it?"))
    await chat.press(ru("General cargo"))
    await chat.expect(ru("What does it weigh in total, in kg?"))
    await chat.send(weight)
    await chat.expect(ru_start(SIZE_QUESTION))
    await chat.press(ru("Skip"))
    await chat.expect(ru("When is the cargo ready? Pick a day or type a date."))
    await chat.press(ru("Tomorrow"))
    await chat.expect(ru("What matters most to you?"))
    await chat.press(ru(priority))


async def _ask_lagos_to_kano(chat, priority: str) -> None:
    """Lagos to Kano in Russian spellings, with a wrong weight and a past date on the way."""
    await chat.press(ru("Request a quote"))
    await chat.expect(ru("Where does the cargo start? Type a city, port or terminal."))
    await chat.send("Лагос")
    await chat.expect(ru("Where should it go? Type a city, port or terminal."))
    await chat.send("Кано")
    await chat.expect(ru("What kind of cargo is it?"))
    await chat.press(ru("General cargo"))
    await chat.expect(ru("What does it weigh in total, in kg?"))
    await chat.send("0")
    await chat.expect(ru("The weight must be more than zero."))
    await chat.send("500 кг")
    await chat.expect(ru_start(SIZE_QUESTION))
    await chat.press(ru("Skip"))
    await chat.expect(ru("When is the cargo ready? Pick a day or type a date."))
    await chat.send("01.01.2020")
    await chat.expect(ru("Give a ready date from today to a year ahead."))
    await chat.press(ru("Tomorrow"))
    asked = await chat.expect(ru("What matters most to you?"))
    # The web chat has room for the whole scale from time to cost; messengers get its ends
    # and middle.
    scale = ["Fastest", "Faster", "Balanced", "Cheaper", "Cheapest"]
    if chat.channel != Channel.WEBCHAT:
        scale = ["Fastest", "Balanced", "Cheapest"]
    assert [label for label, _ in asked.buttons] == [*map(ru, scale), ru("Cancel")]
    await chat.press(ru(priority))


async def test_a_client_gets_options_and_orders_one(chat):
    await _network()
    await onboard(chat, "+234 803 555 0101")
    await _ask_lagos_to_kano(chat, "Cheapest")
    quote_message = await chat.expect(ru_start("Your quote #{number}, valid until {day}:"))
    text = quote_message.text
    # Cheapest first: road to Ibadan, then rail to Kano; then the faster direct road.
    first, second = text.split("\n\n")[1:3]
    assert first.startswith("1. " + ru("Road") + " Lagos → Ibadan" + ru(", then ") + ru("Rail"))
    assert "99" in first and "000" in first
    assert second.startswith("2. " + ru("Road") + " Lagos → Kano")
    assert [label for label, _ in quote_message.buttons] == [
        ru("Order option {n}", n=1),
        ru("Order option {n}", n=2),
        ru("Ask a manager"),
        ru("Not now"),
    ]
    await chat.press(ru("Order option {n}", n=1))
    placed = await chat.expect(ru_start(ORDER_PLACED))

    client = await Client.get(phone="+2348035550101")
    order = await Order.get(client=client)
    assert order.number in placed.text
    assert format_money(Decimal("99000"), "NGN", "ru") in placed.text  # the total, as money
    assert order.price == Decimal("99000.00") and order.currency == "NGN"
    assert [leg["mode"] for leg in order.option["legs"]] == ["road", "rail"]
    request = await QuoteRequest.get(client=client)
    assert request.state is RequestState.ORDERED
    assert request.channel == chat.channel
    subjects = [i.subject for i in await Interaction.filter(client=client).order_by("id")]
    assert subjects[-3:] == [Subject.QUOTE_REQUESTED, Subject.QUOTE_SENT, Subject.QUOTE_ACCEPTED]

    # The same quote cannot be ordered twice.
    await chat.press(ru("Order option {n}", n=2))
    await chat.expect(ru("This quote has already been answered."))
    assert await Order.filter(client=client).count() == 1


async def test_a_client_declines_with_a_reason(chat):
    await _network()
    await onboard(chat, "+234 803 555 0202")
    await _ask_lagos_to_kano(chat, "Fastest")
    quote_message = await chat.expect(ru_start("Your quote #{number}, valid until {day}:"))
    assert quote_message.text.split("\n\n")[1].startswith("1. " + ru("Road") + " Lagos → Kano")
    await chat.press(ru("Not now"))
    await chat.expect(ru("Could you tell us why? It helps us offer better."))
    await chat.press(ru("Too expensive"))
    await chat.expect(ru("Thank you, noted. You can request a new quote any time."))
    client = await Client.get(phone="+2348035550202")
    request = await QuoteRequest.get(client=client)
    assert request.state is RequestState.REFUSED
    assert request.refusal_reason is RefusalReason.TOO_EXPENSIVE
    assert (await Quote.get(request=request)).answered_at is not None
    assert not await Order.filter(client=client).exists()


async def test_an_unknown_place_goes_to_a_manager(chat):
    await _network()
    await onboard(chat, "+234 803 555 0303")
    await chat.press(ru("Request a quote"))
    await chat.expect(ru("Where does the cargo start? Type a city, port or terminal."))
    await chat.send("Qwzxv Farm")
    await chat.expect(
        ru("We do not know this place yet. A manager will price this request by hand.")
    )
    await chat.expect(ru("Where should it go? Type a city, port or terminal."))
    await chat.send("Lagos")
    await chat.expect(ru("What kind of cargo is it?"))
    await chat.press(ru("Pallets"))
    await chat.expect(ru("What does it weigh in total, in kg?"))
    await chat.send("800")
    await chat.expect(ru_start(SIZE_QUESTION))
    await chat.send("120x80x30000")
    await chat.expect(
        ru_start("A side of {side} cm is too long for this cargo (at most {limit} cm).")
    )
    await chat.send("120x80x150x2")
    await chat.expect(ru("When is the cargo ready? Pick a day or type a date."))
    await chat.press(ru("In a week"))
    await chat.expect(ru("What matters most to you?"))
    await chat.press(ru("Balanced"))
    await chat.expect(ru_start(WITH_MANAGERS))
    client = await Client.get(phone="+2348035550303")
    request = await QuoteRequest.get(client=client)
    assert request.state is RequestState.NEW and request.needs_manager
    assert request.origin_id is None and request.origin_text == "Qwzxv Farm"
    assert request.destination_text == "Lagos" and request.pieces == 2
    assert request.volume_m3 == Decimal("2.880")
    assert not await Quote.filter(request=request).exists()
