"""Requests in the staff bot: a manager answers a waiting request from their phone.

Requests → the open ones that need a person, oldest first → one of them, priced by the same
engine with cost and margin → change an option's price (typed, with a reason) → Send to
client. The quote is stored and sent by the same use case as the panel's quote desk, so the
checks, the audit entry and the reminder that follows are the same.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.channels.registry import ChannelRegistry
from bot.filters.audience import IsStaff
from bot.keyboards.callbacks import DeskAction, DeskCb, QueueAction, QueueCb, StaffCb, StaffItem
from bot.keyboards.quotes import cancel_keyboard
from bot.keyboards.staff import staff_menu
from bot.notifier import BotNotifier
from bot.quote_sender import BotQuoteSender
from bot.replies import say
from bot.states import QuoteFlow, StaffDesk
from core.config import Settings
from core.errors import InvalidInput, NotFound
from core.i18n import N_, I18n, _, format_money
from core.models import Client, QuoteRequest
from core.services.access import Actor, Permission
from core.services.cargo_input import parse_number
from core.services.clients import client_by_reference
from core.services.company import current_company, zone_of
from core.services.contacts import MAX_ID
from core.services.quote_requests import (
    draft_of,
    staff_options,
    staff_quote,
    visible_requests,
    waiting_requests,
)
from core.services.quote_text import option_text, route_summary
from core.services.request_queue import pass_request, take_request

router = Router(name=__name__)
router.message.filter(IsStaff())
router.callback_query.filter(IsStaff())

SHOWN = 10


@router.callback_query(StaffCb.filter(F.item == StaffItem.REQUESTS))
async def on_requests(callback: CallbackQuery, bot: Bot, actor: Actor) -> None:
    if not actor.can(Permission.MAKE_QUOTES):
        await say(bot, callback, _("Requests are for the sales team."), reply_markup=staff_menu())
        return
    waiting = await waiting_requests(actor).select_related("client").limit(SHOWN)
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("New quote for a client"), callback_data=DeskCb(action=DeskAction.NEW, request=0)
    )
    if not waiting:
        builder.adjust(1)
        text = _("No request is waiting for a manager.")
        await say(bot, callback, text, reply_markup=builder.as_markup())
        return
    for item in waiting:
        label = f"#{item.id} {item.client.name}: {route_summary(item)}"  # type: ignore[attr-defined]
        builder.button(
            text=label[:60], callback_data=DeskCb(action=DeskAction.OPEN, request=item.id)
        )
    builder.adjust(1)
    await say(
        bot, callback, _("Requests waiting for a manager:"), reply_markup=builder.as_markup()
    )


async def _request(actor: Actor, request_id: int) -> QuoteRequest | None:
    if not actor.can(Permission.MAKE_QUOTES) or not 0 < request_id <= MAX_ID:
        return None
    return await visible_requests(actor).filter(id=request_id).first()


async def show_desk(
    bot: Bot, event: Message | CallbackQuery, state: FSMContext, actor: Actor, item: QuoteRequest
) -> None:
    """The request priced now, with the prices this manager changed so far."""
    company = await current_company()
    zone = zone_of(company)
    client = await Client.get(id=item.client_id)  # type: ignore[attr-defined]
    head = _(
        "Request #{number} from {client}: {route}.",
        number=item.id,
        client=client.name,
        route=route_summary(item),
    )
    if item.origin_id is None or item.destination_id is None:  # type: ignore[attr-defined]
        await say(
            bot,
            event,
            head
            + "\n"
            + _("A place is not known yet: price this request on the Quote page of the panel."),
            reply_markup=staff_menu(),
        )
        return
    data = await state.get_data()
    changed = (data.get("overrides") or {}) if data.get("desk") == item.id else {}
    draft = draft_of(item, zone, dt.datetime.now(zone).date())
    try:
        priced = await staff_options(
            client.id, draft, {int(k): Decimal(v) for k, v in changed.items()}, strict=False
        )
    except InvalidInput:
        text = _("No priced route for this cargo: price it on the Quote page of the panel.")
        await say(bot, event, f"{head}\n{text}", reply_markup=staff_menu())
        return
    currency = priced.price_list.currency
    options = priced.options
    lines = [head]
    for number, option in enumerate(options, 1):
        margin = option["margin"]
        lines.append(option_text(number, option, currency, zone))
        lines.append(
            _("Margin: {margin}", margin=format_money(Decimal(margin), currency))
            if margin is not None
            else _("Margin: unknown (no carrier cost)")
        )
    await say(bot, event, "\n\n".join(lines), reply_markup=_desk_keyboard(item.id, len(options)))


def _desk_keyboard(request_id: int, options: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for index in range(options):
        builder.button(
            text=_("Change price of option {n}", n=index + 1),
            callback_data=DeskCb(action=DeskAction.PRICE, request=request_id, option=index),
        )
    builder.button(
        text=_("Send to client"), callback_data=DeskCb(action=DeskAction.SEND, request=request_id)
    )
    builder.adjust(1)
    return builder.as_markup()


@router.callback_query(DeskCb.filter(F.action == DeskAction.OPEN))
async def on_open(
    callback: CallbackQuery, callback_data: DeskCb, bot: Bot, state: FSMContext, actor: Actor
) -> None:
    item = await _request(actor, callback_data.request)
    if item is None:
        await say(bot, callback, _("Not found."), reply_markup=staff_menu())
        return
    await state.clear()
    await state.update_data(desk=item.id, overrides={})
    await show_desk(bot, callback, state, actor, item)


@router.callback_query(DeskCb.filter(F.action == DeskAction.PRICE))
async def on_change_price(
    callback: CallbackQuery, callback_data: DeskCb, bot: Bot, state: FSMContext, actor: Actor
) -> None:
    if await _request(actor, callback_data.request) is None:
        await say(bot, callback, _("Not found."), reply_markup=staff_menu())
        return
    data = await state.get_data()
    if data.get("desk") != callback_data.request:
        # A button of another request's message: its changed prices must not come along.
        await state.set_data({"desk": callback_data.request, "overrides": {}})
    await state.update_data(option=callback_data.option)
    await state.set_state(StaffDesk.price)
    await say(
        bot,
        callback,
        _("Type the new price of option {n}, before VAT.", n=callback_data.option + 1),
    )


@router.message(StaffDesk.price, F.text)
async def on_price_typed(message: Message, bot: Bot, state: FSMContext) -> None:
    try:
        price = parse_number(
            message.text, "override", _("Type the price as a number, e.g. 90000.")
        )
        if price <= 0:
            raise InvalidInput("override", N_("A price must be more than zero."))
    except InvalidInput as error:
        await say(bot, message, _(error.msgid, **error.params))
        return
    await state.update_data(price=str(price))
    await state.set_state(StaffDesk.reason)
    await say(bot, message, _("Why is the price changed? One line for the record."))


@router.message(StaffDesk.reason, F.text)
async def on_reason_typed(message: Message, bot: Bot, state: FSMContext, actor: Actor) -> None:
    data = await state.get_data()
    overrides = dict(data.get("overrides") or {})
    overrides[str(data["option"])] = data["price"]
    await state.set_state(None)
    await state.update_data(overrides=overrides, reason=message.text.strip()[:500])
    item = await _request(actor, int(data["desk"]))
    if item is None:
        await say(bot, message, _("Not found."), reply_markup=staff_menu())
        return
    await show_desk(bot, message, state, actor, item)


@router.callback_query(DeskCb.filter(F.action == DeskAction.SEND))
async def on_send(
    callback: CallbackQuery,
    callback_data: DeskCb,
    bot: Bot,
    state: FSMContext,
    actor: Actor,
    settings: Settings,
    registry: ChannelRegistry,
    i18n: I18n,
) -> None:
    item = await _request(actor, callback_data.request)
    if item is None:
        await say(bot, callback, _("Not found."), reply_markup=staff_menu())
        return
    data = await state.get_data()
    if data.get("desk") != item.id:
        # Sent already (a second tap), or a button of an old message: look at it again first.
        text = _("Open the request again to send it.")
        await say(bot, callback, text, reply_markup=staff_menu())
        return
    overrides = {int(k): Decimal(v) for k, v in (data.get("overrides") or {}).items()}
    zone = zone_of(await current_company())
    try:
        stored = await staff_quote(
            actor,
            item.client_id,  # type: ignore[attr-defined]
            draft_of(item, zone, dt.datetime.now(zone).date()),
            request_id=item.id,
            overrides=overrides,
            reason=data.get("reason") or "",
            valid_days=settings.quote_valid_days,
        )
    except InvalidInput as error:
        # The manager's prices and reason are kept: they may fix it and press Send again.
        await say(bot, callback, _(error.msgid, **error.params))
        return
    # Updates of one chat are handled one after another: a second tap finds nothing to send.
    await state.clear()
    delivered = False
    if stored.identity is not None:
        delivered = await BotQuoteSender(registry, i18n).send_quote(
            stored.identity.id, stored.quote.id
        )
    text = (
        _("The quote was sent to the client.")
        if delivered
        else _(
            "The quote is saved, but not sent: the client has no chat where they agreed to "
            "messages. Send it another way."
        )
    )
    await say(bot, callback, text, reply_markup=staff_menu())


@router.callback_query(DeskCb.filter(F.action == DeskAction.NEW))
async def on_new_quote(callback: CallbackQuery, bot: Bot, state: FSMContext, actor: Actor) -> None:
    if not actor.can(Permission.MAKE_QUOTES):
        await say(bot, callback, _("Requests are for the sales team."), reply_markup=staff_menu())
        return
    await state.clear()
    await state.set_state(StaffDesk.client)
    await say(bot, callback, _("Which client is it for? Type their phone number or #id."))


@router.message(StaffDesk.client, F.text)
async def on_client_typed(
    message: Message, bot: Bot, state: FSMContext, actor: Actor, settings: Settings
) -> None:
    client = await client_by_reference(actor, message.text, settings.phone_region)
    if client is None:
        await say(bot, message, _("No client has that #id or phone."))
        return
    # From here the manager answers the client's own questions (bot/handlers/client/quote.py);
    # at the end the request is the client's and opens in this desk.
    await state.set_data({"for_client": client.id})
    await state.set_state(QuoteFlow.origin)
    await say(
        bot,
        message,
        _("Quote for {client}.", client=client.name)
        + "\n"
        + _("Where does the cargo start? Type a city, port or terminal."),
        reply_markup=cancel_keyboard(),
    )


@router.callback_query(QueueCb.filter())
async def on_queue(
    callback: CallbackQuery,
    callback_data: QueueCb,
    bot: Bot,
    state: FSMContext,
    actor: Actor,
    registry: ChannelRegistry,
    i18n: I18n,
) -> None:
    if not actor.can(Permission.MAKE_QUOTES) or not 0 < callback_data.request <= MAX_ID:
        await say(bot, callback, _("Requests are for the sales team."), reply_markup=staff_menu())
        return
    try:
        if callback_data.action is QueueAction.TAKE:
            item = await take_request(actor, callback_data.request)
        else:
            await pass_request(actor, BotNotifier(registry, i18n), callback_data.request)
            await say(bot, callback, _("Passed to the team."), reply_markup=staff_menu())
            return
    except NotFound:
        await say(bot, callback, _("Not found."), reply_markup=staff_menu())
        return
    except InvalidInput as error:
        await say(bot, callback, _(error.msgid, **error.params), reply_markup=staff_menu())
        return
    await say(bot, callback, _("You took request #{number}.", number=item.id))
    await state.clear()
    await state.update_data(desk=item.id, overrides={})
    await show_desk(bot, callback, state, actor, item)
