"""The client's side of a live chat with a manager ("Talk to a manager").

While a relay is open for this chat, the client's plain text goes to the manager. Only text
that no flow claimed reaches here (no FSM state: a quote in progress keeps its answers), and
only when the database says a relay is open, so nothing else is swallowed.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import BaseFilter, StateFilter
from aiogram.types import CallbackQuery, Message

from bot.channels.registry import ChannelRegistry
from bot.filters.audience import IsClient
from bot.keyboards.callbacks import MenuCb, MenuItem
from bot.keyboards.client import main_menu
from bot.keyboards.relay import ClientEndCb, client_chat_keyboard
from bot.relay_sender import BotRelayMessenger
from bot.replies import say
from core.errors import ConsentRequired, NotFound
from core.i18n import N_, I18n, _
from core.models import ChannelIdentity
from core.ports import Clock
from core.services import onboarding
from core.services.relay import Side, client_message, close_relay, open_relay, open_relay_of

TEXT_ONLY_CLIENT = N_(
    "Only text messages reach the manager in this chat for now. Please write it in words."
)

router = Router(name=__name__)
router.message.filter(IsClient())
router.callback_query.filter(IsClient())


class InRelay(BaseFilter):
    """The chat has an open relay; the handler gets it as `relay`."""

    async def __call__(
        self, event: Any, identity: ChannelIdentity | None = None
    ) -> bool | dict[str, Any]:
        if identity is None:
            return False
        relay = await open_relay_of(identity.id)
        return False if relay is None else {"relay": relay}


@router.callback_query(MenuCb.filter(F.item == MenuItem.MANAGER))
async def on_talk_to_manager(
    callback: CallbackQuery,
    bot: Bot,
    identity: ChannelIdentity,
    registry: ChannelRegistry,
    i18n: I18n,
    clock: Clock,
) -> None:
    await onboarding.note_menu(identity, MenuItem.MANAGER.value)
    try:
        opened = await open_relay(BotRelayMessenger(registry, i18n), identity, now=clock.now())
    except (ConsentRequired, NotFound) as error:
        await say(bot, callback, _(error.msgid, **error.params), reply_markup=main_menu())
        return
    if not opened.created:
        text = _("You are already in a chat with a manager. Write your message.")
    elif opened.manager_name:
        text = _(
            "{manager} will answer you here. Write your message.", manager=opened.manager_name
        )
    else:
        text = _("A manager will answer you here soon. Write your message.")
    await say(bot, callback, text, reply_markup=client_chat_keyboard(opened.relay.id))


@router.message(StateFilter(None), ~F.text, InRelay())
async def on_relay_not_text(message: Message, bot: Bot) -> None:
    """A photo or voice note cannot reach the manager yet: say so rather than "not understood"."""
    await say(bot, message, _(TEXT_ONLY_CLIENT))


@router.message(StateFilter(None), F.text, InRelay())
async def on_relay_text(
    message: Message,
    relay: Any,
    registry: ChannelRegistry,
    i18n: I18n,
    clock: Clock,
) -> None:
    # Silence is the answer: the manager's reply, when it comes, is the next thing said here.
    await client_message(BotRelayMessenger(registry, i18n), relay, message.text, now=clock.now())


@router.callback_query(ClientEndCb.filter())
async def on_end(
    callback: CallbackQuery,
    callback_data: ClientEndCb,
    bot: Bot,
    identity: ChannelIdentity,
    registry: ChannelRegistry,
    i18n: I18n,
    clock: Clock,
) -> None:
    try:
        await close_relay(
            BotRelayMessenger(registry, i18n),
            callback_data.relay,
            by=Side.CLIENT,
            identity=identity,
            now=clock.now(),
        )
    except NotFound:
        await say(bot, callback, _("This chat has already ended."), reply_markup=main_menu())
        return
    await say(
        bot,
        callback,
        _("The chat has ended. Thank you for writing to us!"),
        reply_markup=main_menu(),
    )
