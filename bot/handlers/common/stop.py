"""STOP, in any of our languages, withdraws consent for this channel in one message."""

from __future__ import annotations

from contextlib import suppress

from aiogram import Bot, F, Router
from aiogram.filters import BaseFilter
from aiogram.types import Message

from bot.channels.registry import ChannelRegistry
from bot.relay_sender import BotRelayMessenger
from bot.replies import evidence_of, say
from core.errors import NotFound
from core.i18n import I18n, _
from core.models import ChannelIdentity
from core.ports import Clock
from core.services.access import Actor
from core.services.consent import stop_words, withdraw_everything
from core.services.relay import Side, close_relay, open_relay_of

router = Router(name=__name__)


class IsStopWord(BaseFilter):
    """STOP from a client. Staff have no consent to withdraw: their "stop" is just a word
    (in a live chat, one for the client to read)."""

    async def __call__(self, message: Message, actor: Actor | None = None) -> bool:
        if actor is not None and actor.is_staff:
            return False
        text = (message.text or "").strip().rstrip("!.").casefold()
        return bool(text) and text in stop_words()


@router.message(F.text, IsStopWord())
async def on_stop(
    message: Message,
    bot: Bot,
    identity: ChannelIdentity,
    registry: ChannelRegistry,
    i18n: I18n,
    clock: Clock,
) -> None:
    if identity.client_id is not None:
        await withdraw_everything(identity.id, evidence_of(identity.channel, message))
        # A live chat ends too: the manager is told rather than left writing into silence.
        relay = await open_relay_of(identity.id)
        if relay is not None:
            messenger = BotRelayMessenger(registry, i18n)
            with suppress(NotFound):
                await close_relay(
                    messenger, relay.id, by=Side.CLIENT, now=clock.now(), identity=identity
                )
    await say(
        bot,
        message,
        _(
            "Done. You will not receive messages from us on this channel. "
            "You can allow them again in Settings."
        ),
    )
