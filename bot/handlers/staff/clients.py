"""Clients in the staff bot: find one by name, company or phone, and read the dossier.

The same scope as the panel (a manager finds their own and unassigned clients), through the
same dossier service: the card, consent, the price list that applies, open requests, orders
and the timeline, paged back with "Older entries".
"""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.filters.audience import IsStaff
from bot.keyboards.callbacks import ClientCb, StaffCb, StaffItem
from bot.keyboards.staff import staff_menu
from bot.replies import say
from bot.states import StaffClients
from core.errors import NotFound
from core.i18n import N_, _, format_datetime, format_money
from core.models import Client, Interaction, Quote, RequestState
from core.services.access import Actor, Permission
from core.services.clients import recent_clients, search_clients, suggest_clients
from core.services.company import current_company, zone_of
from core.services.contacts import MAX_ID
from core.services.dossier import client_dossier
from core.services.interactions import KIND_LABELS, subject_label
from core.services.pipeline import STATE_LABELS
from core.services.quote_requests import visible_requests

router = Router(name=__name__)
router.message.filter(IsStaff())
router.callback_query.filter(IsStaff())

FOUND_AT_MOST = 8
RECENT = 5
# Entries per dossier page: enough to read on a phone, well under a message's 4 096 chars.
PAGE = 8
SUMMARY_SHOWN = 200
PRIVATE_MARK = "🔒 "
# A stale or forged button for a client out of the person's scope: no data, no hint.
NOT_YOURS = N_("Sorry, this client is not among yours.")
OPEN_STATES = (
    RequestState.NEW,
    RequestState.QUOTED,
    RequestState.ORDERED,
    RequestState.IN_TRANSIT,
)


def _clients_keyboard(clients: list[Client]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for client in clients:
        label = client.name if not client.phone else f"{client.name} · {client.phone}"
        builder.button(text=label[:60], callback_data=ClientCb(client=client.id))
    builder.adjust(1)
    return builder.as_markup()


@router.callback_query(StaffCb.filter(F.item == StaffItem.CLIENTS))
async def on_clients(callback: CallbackQuery, bot: Bot, state: FSMContext, actor: Actor) -> None:
    if not actor.can(Permission.VIEW_CLIENTS):
        await say(
            bot, callback, _("Clients are not part of your role."), reply_markup=staff_menu()
        )
        return
    await state.clear()
    await state.set_state(StaffClients.search)
    recent = await recent_clients(actor, RECENT)
    await say(
        bot,
        callback,
        _("Type a name, company or phone to find a client. Recent ones:"),
        reply_markup=_clients_keyboard(recent),
    )


async def say_found(
    bot: Bot,
    message: Message,
    actor: Actor,
    keyboard: Callable[[list[Client]], InlineKeyboardMarkup],
) -> None:
    """Answer a typed search: the clients as buttons, or what to type instead."""
    found = await search_clients(actor, message.text or "", FOUND_AT_MOST)
    if found is None:
        await say(bot, message, _("Type at least two letters or digits."))
    elif not found:
        close = await suggest_clients(actor, message.text or "")
        if close:
            text = _("No exact match. Did you mean one of these?")
            await say(bot, message, text, reply_markup=keyboard(close))
        else:
            await say(bot, message, _("No client found. Try another name or phone."))
    else:
        await say(bot, message, _("Clients found:"), reply_markup=keyboard(found))


@router.message(StaffClients.search, F.text)
async def on_search(message: Message, bot: Bot, actor: Actor) -> None:
    await say_found(bot, message, actor, _clients_keyboard)


def _timeline_line(entry: Interaction, zone: ZoneInfo) -> str:
    """When, where, what and who: one dossier entry in one line."""
    where = entry.channel or _(KIND_LABELS.get(entry.kind, entry.kind))
    who = entry.employee.name if entry.employee else ""  # type: ignore[attr-defined]
    parts = [format_datetime(entry.created_at, zone), where, subject_label(entry.subject)]
    if who:
        parts.append(who)
    text = " · ".join(parts)
    if entry.is_private:
        text = PRIVATE_MARK + text
    if entry.attachment_kind == "voice":
        text += " " + _("(voice note)")
    summary = entry.summary[:SUMMARY_SHOWN]
    return f"{text}: {summary}" if summary else text


def _dossier_keyboard(client_id: int, older: int | None) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if older is not None:
        older_page = ClientCb(client=client_id, before=older)
        builder.button(text=_("Older entries"), callback_data=older_page)
    builder.button(text=_("Menu"), callback_data=StaffCb(item=StaffItem.HOME))
    builder.adjust(1)
    return builder.as_markup()


@router.callback_query(ClientCb.filter())
async def on_client(
    callback: CallbackQuery, callback_data: ClientCb, bot: Bot, actor: Actor
) -> None:
    before = callback_data.before or None
    try:
        if not 0 < callback_data.client <= MAX_ID or (before and before > MAX_ID):
            raise NotFound()
        dossier = await client_dossier(actor, callback_data.client, limit=PAGE, before=before)
    except NotFound:
        await say(bot, callback, _(NOT_YOURS), reply_markup=staff_menu())
        return
    zone = zone_of(await current_company())
    client = dossier.client
    keyboard = _dossier_keyboard(client.id, dossier.next_before)
    if before is not None:
        lines = [_("{client}: older entries", client=client.name), ""]
        lines += [_timeline_line(entry, zone) for entry in dossier.interactions] or ["—"]
        await say(bot, callback, "\n".join(lines), reply_markup=keyboard)
        return
    manager = client.manager  # type: ignore[attr-defined]
    allowed = sorted(channel for channel, granted in dossier.consent_by_channel.items() if granted)
    price_list = dossier.price_list
    lines = [
        client.name + (f" ({client.company_name})" if client.company_name else ""),
        _("Phone: {phone}", phone=client.phone or "—"),
        _("City: {city}", city=client.city or "—"),
        _("Manager: {name}", name=manager.name if manager else _("No manager")),
        _("Messages allowed on: {channels}", channels=", ".join(allowed) or "—"),
        _("Price list: {name}", name=price_list.name if price_list else "—"),
    ]
    if actor.can(Permission.MAKE_QUOTES):
        requests = await visible_requests(actor).filter(client_id=client.id, state__in=OPEN_STATES)
        latest_quote: dict[int, Quote] = {}
        for quote in await Quote.filter(request_id__in=[r.id for r in requests]).order_by("id"):
            latest_quote[quote.request_id] = quote  # type: ignore[attr-defined]
        lines += ["", _("Open requests:")]
        for r in requests:
            line = f"#{r.id} {r.origin_text} → {r.destination_text} · {_(STATE_LABELS[r.state])}"
            quote = latest_quote.get(r.id)
            if quote is not None:
                line += " · " + _(
                    "quote #{number}, valid until {day}",
                    number=quote.id,
                    day=format_datetime(quote.valid_until, zone),
                )
            lines.append(line)
        if not requests:
            lines.append("—")
        lines += ["", _("Orders:")]
        lines += [
            f"{o.number} · {format_datetime(o.created_at, zone)} · "
            f"{format_money(o.total, o.currency)}"
            + (" · " + _("cancelled") if o.cancelled_at else "")
            for o in dossier.orders
        ] or ["—"]
    lines += ["", _("Latest contacts:")]
    lines += [_timeline_line(entry, zone) for entry in dossier.interactions] or ["—"]
    await say(bot, callback, "\n".join(lines), reply_markup=keyboard)
