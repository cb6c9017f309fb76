"""STOP, in any of our languages, withdraws consent for this channel in one message."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import BaseFilter
from aiogram.types import Message

from bot.replies import evidence_of, say
from core.i18n import _
from core.models import ChannelIdentity
from core.services.consent import record_consent, stop_words

router = Router(name=__name__)


class IsStopWord(BaseFilter):
    async def __call__(self, message: Message) -> bool:
        text = (message.text or "").strip().rstrip("!.").casefold()
        return bool(text) and text in stop_words()


@router.message(F.text, IsStopWord())
async def on_stop(message: Message, bot: Bot, identity: ChannelIdentity) -> None:
    if identity.client_id is not None:
        await record_consent(identity.id, False, evidence_of(identity.channel, message))
    await say(
        bot,
        message,
        _(
            "Done. You will not receive messages from us on this channel. "
            "You can allow them again in Settings."
        ),
    )
