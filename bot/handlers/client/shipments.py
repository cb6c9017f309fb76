"""The client's "Track a delivery" and "My orders", on every channel.

A shipment is found by its number (the order number) among the client's own; a wrong number
and someone else's get the same answer, with the client's open shipments as buttons.
"""

from __future__ import annotations

import re

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.filters.audience import IsClient
from bot.keyboards.callbacks import MenuCb, MenuItem, TrackCb
from bot.keyboards.client import main_menu
from bot.keyboards.shipments import (
    card_text,
    client_card_keyboard,
    client_shipments_keyboard,
    public_base,
    routes_of,
    status_label,
    tracking_link,
)
from bot.replies import say
from bot.states import ClientTrack
from core.config import Settings
from core.errors import NotFound
from core.i18n import _, format_datetime, format_money
from core.models import ChannelIdentity, Shipment
from core.ports import Clock
from core.services import onboarding
from core.services.access import Actor
from core.services.company import current_company, zone_of
from core.services.shipments import (
    client_orders,
    documents_of,
    open_shipments,
    shipment_by_number,
    shipment_view,
)

router = Router(name=__name__)
router.message.filter(IsClient())
router.callback_query.filter(IsClient())

OPEN_SHOWN = 8
ORDERS_SHOWN = 10
# An order number as people type it: ON-26-00001, in any case, with spaces around.
NUMBER = re.compile(r"^\s*[A-Za-z]{2}-\d{2}-\d{3,9}\s*$")
Event = Message | CallbackQuery


async def _open_buttons(actor: Actor):
    shipments = list(await open_shipments(actor).limit(OPEN_SHOWN).prefetch_related("legs"))
    return client_shipments_keyboard(zip(shipments, routes_of(shipments), strict=True)), bool(
        shipments
    )


@router.callback_query(MenuCb.filter(F.item == MenuItem.TRACK))
async def on_track(
    callback: CallbackQuery, bot: Bot, state: FSMContext, identity: ChannelIdentity, actor: Actor
) -> None:
    await onboarding.note_menu(identity, MenuItem.TRACK.value)
    await state.set_state(ClientTrack.number)
    keyboard, any_open = await _open_buttons(actor)
    text = (
        _("Type your shipment number (e.g. ON-26-00001), or pick one of your open shipments:")
        if any_open
        else _("Type your shipment number, e.g. ON-26-00001.")
    )
    await say(bot, callback, text, reply_markup=keyboard)


async def _show(
    bot: Bot,
    event: Event,
    state: FSMContext,
    actor: Actor,
    number: str,
    settings: Settings,
    clock: Clock,
) -> None:
    try:
        shipment = await shipment_by_number(actor, number)
    except NotFound:
        # The same words for a wrong number and for someone else's: nothing leaks.
        await state.set_state(ClientTrack.number)
        keyboard, any_open = await _open_buttons(actor)
        text = _("We could not find a shipment of yours with this number. Check it and try again.")
        if any_open:
            text += "\n" + _("Your open shipments:")
        await say(bot, event, text, reply_markup=keyboard)
        return
    await state.clear()
    view = await shipment_view(shipment)
    documents = await documents_of(shipment)
    zone = zone_of(await current_company())
    link = tracking_link(public_base(settings), shipment, clock.now())
    text = card_text(view, documents, actor, zone, link)
    await say(bot, event, text, reply_markup=client_card_keyboard())


@router.message(ClientTrack.number, F.text)
async def on_number(
    message: Message,
    bot: Bot,
    state: FSMContext,
    actor: Actor,
    settings: Settings,
    clock: Clock,
) -> None:
    await _show(bot, message, state, actor, message.text or "", settings, clock)


@router.message(StateFilter(None), F.text.regexp(NUMBER))
async def on_number_anytime(
    message: Message,
    bot: Bot,
    state: FSMContext,
    actor: Actor,
    settings: Settings,
    clock: Clock,
) -> None:
    await _show(bot, message, state, actor, message.text or "", settings, clock)


@router.callback_query(TrackCb.filter())
async def on_pick(
    callback: CallbackQuery,
    callback_data: TrackCb,
    bot: Bot,
    state: FSMContext,
    actor: Actor,
    settings: Settings,
    clock: Clock,
) -> None:
    await _show(bot, callback, state, actor, callback_data.number, settings, clock)


@router.callback_query(MenuCb.filter(F.item == MenuItem.ORDERS))
async def on_orders(
    callback: CallbackQuery, bot: Bot, state: FSMContext, identity: ChannelIdentity, actor: Actor
) -> None:
    await onboarding.note_menu(identity, MenuItem.ORDERS.value)
    await state.clear()
    orders = await client_orders(actor, ORDERS_SHOWN)
    if not orders:
        await say(
            bot,
            callback,
            _("You have no orders yet. Request a quote to place one."),
            reply_markup=main_menu(),
        )
        return
    zone = zone_of(await current_company())
    lines = [_("Your recent orders:")]
    listed: list[tuple[Shipment, str]] = []
    for order, shipment in orders:
        legs = order.option.get("legs", [])
        route = f"{legs[0]['origin']} → {legs[-1]['destination']}" if legs else ""
        if order.cancelled_at is not None:
            status = _("cancelled")
        elif shipment is not None:
            status = status_label(shipment.status)
            listed.append((shipment, route))
        else:
            status = "—"
        parts = [
            order.number or "",
            route,
            status,
            format_datetime(order.created_at, zone),
            format_money(order.total, order.currency),
        ]
        lines.append(" · ".join(p for p in parts if p))
    lines += ["", _("Pick one to follow it:")] if listed else []
    await say(
        bot,
        callback,
        "\n".join(lines),
        reply_markup=client_shipments_keyboard(listed[:OPEN_SHOWN]),
    )
