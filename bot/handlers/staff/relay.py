"""The manager's side of a live chat: Take from the queue, Reply, canned replies, End chat.

Tapping Take or Reply selects the chat: until the manager ends it or opens another flow
(the staff menu clears the state), everything they type goes to that client. Every button
names its relay by id; the services refuse a relay that is not this manager's, with no data.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot.channels.registry import ChannelRegistry
from bot.filters.audience import IsStaff
from bot.keyboards.relay import CannedCb, RelayAction, RelayCb, canned_keyboard, chat_keyboard
from bot.keyboards.staff import staff_menu
from bot.relay_sender import BotRelayMessenger
from bot.replies import say
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.i18n import N_, I18n, _
from core.ports import Clock
from core.services.access import Actor
from core.services.relay import (
    NOT_YOURS,
    Delivery,
    Reply,
    Side,
    canned_replies,
    channel_label,
    client_name_of,
    close_relay,
    manager_reply,
    relay_of_manager,
    send_canned,
    take_relay,
)

TEXT_ONLY_STAFF = N_(
    "Only text reaches the client in a live chat for now. Please write it in words."
)

router = Router(name=__name__)
router.message.filter(IsStaff())
router.callback_query.filter(IsStaff())


class RelayChat(StatesGroup):
    talking = State()


async def _select(state: FSMContext, relay_id: int) -> None:
    await state.set_state(RelayChat.talking)
    await state.set_data({"relay": relay_id})


async def _refuse(bot: Bot, event: Message | CallbackQuery, error: Exception) -> None:
    msgid = error.msgid if isinstance(error, NotFound | InvalidInput) else NOT_YOURS
    await say(bot, event, _(msgid), reply_markup=staff_menu())


@router.callback_query(RelayCb.filter(F.action == RelayAction.TAKE))
async def on_take(
    callback: CallbackQuery,
    callback_data: RelayCb,
    bot: Bot,
    state: FSMContext,
    actor: Actor,
    registry: ChannelRegistry,
    i18n: I18n,
    clock: Clock,
) -> None:
    messenger = BotRelayMessenger(registry, i18n)
    try:
        taken = await take_relay(messenger, actor, callback_data.relay, now=clock.now())
    except (NotFound, InvalidInput, PermissionDenied) as error:
        await _refuse(bot, callback, error)
        return
    await _select(state, taken.relay.id)
    lines = [_("You took the chat with {client}.", client=taken.client_name), taken.header()]
    lines.extend(taken.backlog)
    lines.append(_("Write your reply: everything you type now goes to the client."))
    await say(bot, callback, "\n".join(lines), reply_markup=chat_keyboard(taken.relay.id))


@router.callback_query(RelayCb.filter(F.action == RelayAction.REPLY))
async def on_reply(
    callback: CallbackQuery, callback_data: RelayCb, bot: Bot, state: FSMContext, actor: Actor
) -> None:
    try:
        relay = await relay_of_manager(actor, callback_data.relay)
    except (NotFound, PermissionDenied) as error:
        await _refuse(bot, callback, error)
        return
    await _select(state, relay.id)
    await say(
        bot,
        callback,
        _(
            "Write your reply to {client}: everything you type now goes to them.",
            client=await client_name_of(relay),
        ),
        reply_markup=chat_keyboard(relay.id),
    )


@router.callback_query(RelayCb.filter(F.action == RelayAction.CANNED))
async def on_canned_list(
    callback: CallbackQuery, callback_data: RelayCb, bot: Bot, actor: Actor
) -> None:
    try:
        replies = await canned_replies(actor, callback_data.relay)
    except (NotFound, PermissionDenied) as error:
        await _refuse(bot, callback, error)
        return
    text = (
        _("Tap a ready answer to send it.")
        if replies
        else _("No ready answers in the client's language yet.")
    )
    await say(bot, callback, text, reply_markup=canned_keyboard(callback_data.relay, replies))


@router.callback_query(CannedCb.filter())
async def on_canned(
    callback: CallbackQuery,
    callback_data: CannedCb,
    bot: Bot,
    state: FSMContext,
    actor: Actor,
    registry: ChannelRegistry,
    i18n: I18n,
    clock: Clock,
) -> None:
    try:
        reply = await send_canned(
            BotRelayMessenger(registry, i18n),
            actor,
            callback_data.relay,
            callback_data.reply,
            now=clock.now(),
        )
    except (NotFound, InvalidInput, PermissionDenied) as error:
        await _refuse(bot, callback, error)
        return
    await _select(state, reply.relay.id)
    await _report(bot, callback, reply)


@router.callback_query(RelayCb.filter(F.action == RelayAction.END))
async def on_end(
    callback: CallbackQuery,
    callback_data: RelayCb,
    bot: Bot,
    state: FSMContext,
    actor: Actor,
    registry: ChannelRegistry,
    i18n: I18n,
    clock: Clock,
) -> None:
    try:
        relay = await close_relay(
            BotRelayMessenger(registry, i18n),
            callback_data.relay,
            by=Side.MANAGER,
            actor=actor,
            now=clock.now(),
        )
    except (NotFound, PermissionDenied) as error:
        await _refuse(bot, callback, error)
        return
    if (await state.get_data()).get("relay") == relay.id:
        await state.clear()
    await say(
        bot,
        callback,
        _("You ended the chat with {client}.", client=await client_name_of(relay)),
        reply_markup=staff_menu(),
    )


@router.message(RelayChat.talking, ~F.text)
async def on_not_text(message: Message, bot: Bot) -> None:
    """Photos, voice and files do not cross messengers yet: say so instead of dropping them."""
    await say(bot, message, _(TEXT_ONLY_STAFF))


@router.message(RelayChat.talking, F.text)
async def on_text(
    message: Message,
    bot: Bot,
    state: FSMContext,
    actor: Actor,
    registry: ChannelRegistry,
    i18n: I18n,
    clock: Clock,
) -> None:
    relay_id = int((await state.get_data()).get("relay") or 0)
    try:
        reply = await manager_reply(
            BotRelayMessenger(registry, i18n), actor, relay_id, message.text, now=clock.now()
        )
    except (NotFound, PermissionDenied):
        await state.clear()
        await say(bot, message, _("This chat has ended."), reply_markup=staff_menu())
        return
    await _report(bot, message, reply)


async def _report(bot: Bot, event: Message | CallbackQuery, reply: Reply) -> None:
    """Delivered: nothing to say (the chat goes on). Not delivered: the manager must know."""
    if reply.delivery is Delivery.SENT:
        if isinstance(event, CallbackQuery):
            await event.answer(_("Sent."))
        return
    channel = channel_label(reply.channel)
    if reply.delivery is Delivery.NO_CONSENT:
        text = _(
            "Not delivered: {client} does not accept messages on {channel} (consent withdrawn). "
            "Your message is kept in the dossier.",
            client=reply.client_name,
            channel=channel,
        )
    else:
        text = _(
            "Not delivered: {channel} did not accept the message for {client} (the bot may be "
            "blocked). Your message is kept in the dossier; it will not be sent again.",
            client=reply.client_name,
            channel=channel,
        )
    await say(bot, event, text, reply_markup=chat_keyboard(reply.relay.id))
