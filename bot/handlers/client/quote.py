"""Request a quote: from → to → cargo → weight → size → ready date → priority → options.

Built like the onboarding: each answer is checked where it is typed, and a mistake is
answered with what to type instead while the conversation stays on the same question.
Nothing is stored until the last answer; then the request (and its quote, when the engine
can price it) is stored in one transaction by core/services/quote_requests.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from aiogram import Bot, F, Router
from aiogram.filters import or_f
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.channels.registry import ChannelRegistry
from bot.filters.audience import IsClient, IsStaff
from bot.handlers.common.flow import Event, show_main_menu, show_staff_menu
from bot.handlers.staff.requests import show_desk
from bot.keyboards.callbacks import (
    CargoCb,
    FlowAction,
    FlowCb,
    MenuCb,
    MenuItem,
    PlaceCb,
    PlaceSide,
    PriorityCb,
    QuoteAction,
    QuoteCb,
    ReadyCb,
    RefuseCb,
)
from bot.keyboards.client import main_menu
from bot.keyboards.quotes import (
    cancel_keyboard,
    cargo_keyboard,
    places_keyboard,
    priority_keyboard,
    ready_keyboard,
    refusal_keyboard,
    size_keyboard,
)
from bot.notifier import BotNotifier
from bot.quote_sender import quote_message
from bot.replies import say
from bot.states import QuoteFlow
from core.config import Settings
from core.errors import InvalidInput, NotFound
from core.i18n import I18n, _, format_money
from core.models import (
    Channel,
    ChannelIdentity,
    Location,
    Quote,
    RefusalReason,
)
from core.services import pricing
from core.services.access import Actor
from core.services.cargo_input import parse_day, parse_size, parse_weight
from core.services.company import current_company, zone_of
from core.services.contacts import MAX_ID
from core.services.locations import MatchKind, match_location
from core.services.quote_requests import (
    Place,
    RequestDraft,
    accept_quote,
    ask_manager,
    decline_quote,
    open_request,
    open_request_for,
)
from core.services.quoting import ready_at
from core.services.request_queue import ASKS_MANAGER, offer_request
from core.services.staff_alerts import alert_new_order

router = Router(name=__name__)
# Clients ask for themselves; staff walk the same questions for a client (see
# bot/handlers/staff/requests.on_new_quote), which only the states let them reach.
CLIENT_OR_STAFF = or_f(IsClient(), IsStaff())
# The days the ready-date buttons offer (bot/keyboards/quotes.ready_keyboard).
READY_BUTTON_DAYS = (0, 1, 7)
router.message.filter(CLIENT_OR_STAFF)
router.callback_query.filter(CLIENT_OR_STAFF)


def _valid_id(value: int) -> bool:
    """Button payloads can be forged: an id outside the database's range is no record."""
    return 0 < value <= MAX_ID


async def _mistake(bot: Bot, event: Event, error: InvalidInput, **kwargs) -> None:
    await say(bot, event, _(error.msgid, **error.params), **kwargs)


@router.callback_query(MenuCb.filter(F.item == MenuItem.QUOTE), IsClient())
async def on_request_quote(callback: CallbackQuery, bot: Bot, state: FSMContext) -> None:
    await state.clear()
    await _ask_place(bot, callback, state, PlaceSide.ORIGIN)


async def _ask_place(bot: Bot, event: Event, state: FSMContext, side: PlaceSide) -> None:
    if side is PlaceSide.ORIGIN:
        await state.set_state(QuoteFlow.origin)
        text = _("Where does the cargo start? Type a city, port or terminal.")
    else:
        await state.set_state(QuoteFlow.destination)
        text = _("Where should it go? Type a city, port or terminal.")
    await say(bot, event, text, reply_markup=cancel_keyboard())


@router.callback_query(FlowCb.filter(F.action == FlowAction.CANCEL))
async def on_cancel(callback: CallbackQuery, bot: Bot, state: FSMContext, actor: Actor) -> None:
    await say(bot, callback, _("Cancelled. Nothing was sent."))
    await _back_to_menu(bot, callback, state, actor)


async def _back_to_menu(bot: Bot, event: Event, state: FSMContext, actor: Actor) -> None:
    if actor.is_staff:
        await show_staff_menu(bot, event, state, actor)
    else:
        await show_main_menu(bot, event, state, actor)


@router.message(QuoteFlow.origin, F.text)
async def on_origin(message: Message, bot: Bot, state: FSMContext) -> None:
    await _place_typed(message, bot, state, PlaceSide.ORIGIN)


@router.message(QuoteFlow.destination, F.text)
async def on_destination(message: Message, bot: Bot, state: FSMContext) -> None:
    await _place_typed(message, bot, state, PlaceSide.DESTINATION)


async def _place_typed(message: Message, bot: Bot, state: FSMContext, side: PlaceSide) -> None:
    text = message.text.strip()[:200]
    await state.update_data({f"{side.value}_text": text})
    match = await match_location(text)
    if match.kind is MatchKind.FOUND:
        await _place_chosen(bot, message, state, side, match.candidates[0].location_id)
    elif match.kind is MatchKind.AMBIGUOUS:
        await say(
            bot,
            message,
            _("Several places fit. Which one do you mean?"),
            reply_markup=places_keyboard(side, match.candidates),
        )
    else:
        await _place_unknown(bot, message, state, side)


async def _place_unknown(bot: Bot, event: Event, state: FSMContext, side: PlaceSide) -> None:
    """An unknown place is kept as typed: a manager prices the request by hand."""
    await state.update_data({f"{side.value}_id": None})
    await say(
        bot,
        event,
        _("We do not know this place yet. A manager will price this request by hand."),
    )
    await _after_place(bot, event, state, side)


@router.callback_query(PlaceCb.filter())
async def on_place_picked(
    callback: CallbackQuery, callback_data: PlaceCb, bot: Bot, state: FSMContext
) -> None:
    side = callback_data.side
    expected = QuoteFlow.origin if side is PlaceSide.ORIGIN else QuoteFlow.destination
    if await state.get_state() != expected.state:
        await callback.answer()
        return
    if callback_data.location == 0:
        await callback.answer()
        await _place_unknown(bot, callback, state, side)
        return
    if not _valid_id(callback_data.location):
        await callback.answer()
        return
    await _place_chosen(bot, callback, state, side, callback_data.location)


async def _place_chosen(
    bot: Bot, event: Event, state: FSMContext, side: PlaceSide, location_id: int
) -> None:
    location = await Location.get_or_none(id=location_id, is_active=True)
    if location is None:
        await _place_unknown(bot, event, state, side)
        return
    data = await state.get_data()
    if side is PlaceSide.DESTINATION and data.get("o_id") == location.id:
        await say(
            bot, event, _("The destination must differ from the origin. Where should it go?")
        )
        return
    await state.update_data({f"{side.value}_id": location.id, f"{side.value}_text": location.name})
    await _after_place(bot, event, state, side)


async def _after_place(bot: Bot, event: Event, state: FSMContext, side: PlaceSide) -> None:
    if side is PlaceSide.ORIGIN:
        await _ask_place(bot, event, state, PlaceSide.DESTINATION)
        return
    await state.set_state(QuoteFlow.cargo_type)
    await say(bot, event, _("What kind of cargo is it?"), reply_markup=cargo_keyboard())


@router.callback_query(QuoteFlow.cargo_type, CargoCb.filter())
async def on_cargo_type(
    callback: CallbackQuery, callback_data: CargoCb, bot: Bot, state: FSMContext
) -> None:
    try:
        kind = pricing.CargoType(callback_data.kind)
    except ValueError:
        await callback.answer()
        return
    await state.update_data(cargo_type=kind.value)
    await state.set_state(QuoteFlow.weight)
    await say(
        bot, callback, _("What does it weigh in total, in kg?"), reply_markup=cancel_keyboard()
    )


@router.message(QuoteFlow.weight, F.text)
async def on_weight(message: Message, bot: Bot, state: FSMContext) -> None:
    data = await state.get_data()
    try:
        weight = parse_weight(message.text)
        pricing.make_cargo(weight_kg=weight, cargo_type=pricing.CargoType(data["cargo_type"]))
    except InvalidInput as error:
        await _mistake(bot, message, error, reply_markup=cancel_keyboard())
        return
    await state.update_data(weight=str(weight))
    await state.set_state(QuoteFlow.size)
    await say(
        bot,
        message,
        _(
            "How big is it? Type the total volume in m³ (e.g. 2.5), or one piece's "
            "length × width × height in cm and the number of pieces (e.g. 120x80x100x4). "
            "Or skip if you do not know."
        ),
        reply_markup=size_keyboard(),
    )


@router.message(QuoteFlow.size, F.text)
async def on_size(message: Message, bot: Bot, state: FSMContext) -> None:
    data = await state.get_data()
    try:
        size = parse_size(message.text)
        pricing.make_cargo(
            weight_kg=Decimal(data["weight"]),
            cargo_type=pricing.CargoType(data["cargo_type"]),
            pieces=size.pieces,
            volume_m3=size.volume_m3,
            dimensions=size.dimensions,
        )
    except InvalidInput as error:
        await _mistake(bot, message, error, reply_markup=size_keyboard())
        return
    dims = size.dimensions
    await state.update_data(
        volume=None if size.volume_m3 is None else str(size.volume_m3),
        dims=None
        if dims is None
        else [str(dims.length_cm), str(dims.width_cm), str(dims.height_cm)],
        pieces=size.pieces,
    )
    await _ask_ready(bot, message, state)


@router.callback_query(QuoteFlow.size, FlowCb.filter(F.action == FlowAction.SKIP))
async def on_size_skipped(callback: CallbackQuery, bot: Bot, state: FSMContext) -> None:
    await state.update_data(volume=None, dims=None, pieces=1)
    await _ask_ready(bot, callback, state)


async def _ask_ready(bot: Bot, event: Event, state: FSMContext) -> None:
    await state.set_state(QuoteFlow.ready)
    await say(
        bot,
        event,
        _("When is the cargo ready? Pick a day or type a date."),
        reply_markup=ready_keyboard(),
    )


async def _ready_chosen(
    bot: Bot, event: Event, state: FSMContext, day: dt.date, channel: Channel
) -> None:
    zone = zone_of(await current_company())
    try:
        ready_at(day, zone, "ready")
    except InvalidInput as error:
        await _mistake(bot, event, error, reply_markup=ready_keyboard())
        return
    await state.update_data(ready=day.isoformat())
    await state.set_state(QuoteFlow.priority)
    await say(
        bot,
        event,
        _("What matters most to you?"),
        reply_markup=priority_keyboard(whole_scale=channel is Channel.WEBCHAT),
    )


@router.callback_query(QuoteFlow.ready, ReadyCb.filter())
async def on_ready_button(
    callback: CallbackQuery,
    callback_data: ReadyCb,
    bot: Bot,
    state: FSMContext,
    channel: Channel,
) -> None:
    if callback_data.days not in READY_BUTTON_DAYS:
        await callback.answer()
        return
    today = dt.datetime.now(zone_of(await current_company())).date()
    day = today + dt.timedelta(days=callback_data.days)
    await _ready_chosen(bot, callback, state, day, channel)


@router.message(QuoteFlow.ready, F.text)
async def on_ready_typed(message: Message, bot: Bot, state: FSMContext, channel: Channel) -> None:
    try:
        day = parse_day(message.text)
    except InvalidInput as error:
        await _mistake(bot, message, error, reply_markup=ready_keyboard())
        return
    await _ready_chosen(bot, message, state, day, channel)


@router.callback_query(QuoteFlow.priority, PriorityCb.filter())
async def on_priority(
    callback: CallbackQuery,
    callback_data: PriorityCb,
    bot: Bot,
    state: FSMContext,
    identity: ChannelIdentity,
    actor: Actor,
    settings: Settings,
    registry: ChannelRegistry,
    i18n: I18n,
) -> None:
    if callback_data.level not in range(1, 6):
        await callback.answer()
        return
    data = await state.get_data()
    try:
        draft = await _draft(data, callback_data.level)
        if actor.is_staff:
            opened = await open_request_for(
                actor,
                int(data.get("for_client") or 0),
                draft,
                price=False,  # priced in the desk below, stored and sent by Send
            )
        else:
            opened = await open_request(identity, draft, valid_days=settings.quote_valid_days)
    except InvalidInput as error:
        await _mistake(bot, callback, error)
        await _back_to_menu(bot, callback, state, actor)
        return
    await state.clear()
    if actor.is_staff:
        # The manager sees it priced with margins, may change prices, and sends it.
        await state.update_data(desk=opened.request.id, overrides={})
        await show_desk(bot, callback, state, actor, opened.request)
        return
    request, quote = opened.request, opened.quote
    if quote is None:
        await say(
            bot,
            callback,
            _(
                "Thank you! Your request #{number} is with our managers: they will price it "
                "and contact you here.",
                number=request.id,
            ),
            reply_markup=main_menu(),
        )
        await offer_request(_notifier(registry, i18n), request)
        return
    text, markup = await quote_message(quote)
    await say(bot, callback, text, reply_markup=markup)


async def _draft(data: dict, priority: int) -> RequestDraft:
    zone = zone_of(await current_company())
    day = dt.date.fromisoformat(data["ready"])
    dims = data.get("dims")
    cargo = pricing.make_cargo(
        weight_kg=Decimal(data["weight"]),
        cargo_type=pricing.CargoType(data["cargo_type"]),
        pieces=int(data.get("pieces") or 1),
        volume_m3=None if data.get("volume") is None else Decimal(data["volume"]),
        dimensions=None if dims is None else pricing.Dimensions(*(Decimal(d) for d in dims)),
    )
    return RequestDraft(
        origin=Place(data.get("o_text", ""), data.get("o_id")),
        destination=Place(data.get("d_text", ""), data.get("d_id")),
        cargo=cargo,
        ready_on=day,
        ready=ready_at(day, zone, "ready"),
        priority=priority,
    )


def _notifier(registry: ChannelRegistry, i18n: I18n) -> BotNotifier:
    return BotNotifier(registry, i18n)


@router.callback_query(QuoteCb.filter(F.action == QuoteAction.ORDER))
async def on_order(
    callback: CallbackQuery,
    callback_data: QuoteCb,
    bot: Bot,
    state: FSMContext,
    identity: ChannelIdentity,
    registry: ChannelRegistry,
    i18n: I18n,
) -> None:
    if not _valid_id(callback_data.quote):
        await callback.answer()
        return
    try:
        order = await accept_quote(identity, callback_data.quote, callback_data.option)
    except (InvalidInput, NotFound) as error:
        await say(bot, callback, _(error.msgid, **error.params), reply_markup=main_menu())
        return
    await say(
        bot,
        callback,
        _(
            "Thank you! Your order {number} is placed: {total}. Your manager will contact you "
            "to confirm the pickup.",
            number=order.number,
            total=format_money(order.total, order.currency),
        ),
        reply_markup=main_menu(),
    )
    request = await order.request
    await alert_new_order(_notifier(registry, i18n), request, order)


@router.callback_query(QuoteCb.filter(F.action == QuoteAction.MANAGER))
async def on_ask_manager(
    callback: CallbackQuery,
    callback_data: QuoteCb,
    bot: Bot,
    identity: ChannelIdentity,
    registry: ChannelRegistry,
    i18n: I18n,
) -> None:
    quote = (
        await Quote.get_or_none(id=callback_data.quote) if _valid_id(callback_data.quote) else None
    )
    try:
        if quote is None:
            raise NotFound()
        request = await ask_manager(identity, quote.request_id)
    except NotFound as error:
        await say(bot, callback, _(error.msgid), reply_markup=main_menu())
        return
    await say(
        bot,
        callback,
        _("A manager will contact you here about this quote soon."),
        reply_markup=main_menu(),
    )
    await offer_request(_notifier(registry, i18n), request, ASKS_MANAGER)


@router.callback_query(QuoteCb.filter(F.action == QuoteAction.LATER))
async def on_not_now(callback: CallbackQuery, callback_data: QuoteCb, bot: Bot) -> None:
    await say(
        bot,
        callback,
        _("Could you tell us why? It helps us offer better."),
        reply_markup=refusal_keyboard(callback_data.quote),
    )


@router.callback_query(RefuseCb.filter())
async def on_refusal_reason(
    callback: CallbackQuery, callback_data: RefuseCb, bot: Bot, identity: ChannelIdentity
) -> None:
    try:
        reason = RefusalReason(callback_data.reason)
        if not _valid_id(callback_data.quote):
            raise ValueError(callback_data.quote)
        await decline_quote(identity, callback_data.quote, reason)
    except ValueError:
        await callback.answer()
        return
    except (InvalidInput, NotFound) as error:
        await say(bot, callback, _(error.msgid, **error.params), reply_markup=main_menu())
        return
    await say(
        bot,
        callback,
        _("Thank you, noted. You can request a new quote any time."),
        reply_markup=main_menu(),
    )
