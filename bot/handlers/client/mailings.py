""" "Stop these messages" under a mailing: offers stop on this channel in one tap.

Updates about the client's own orders and deliveries go on (they can be stopped in
Settings, or with STOP, which ends everything).
"""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.types import CallbackQuery

from bot.keyboards.callbacks import StopOffersCb
from bot.replies import evidence_of, say
from core.i18n import _
from core.models import Channel, ChannelIdentity
from core.services.consent import stop_offers

router = Router(name=__name__)


@router.callback_query(StopOffersCb.filter())
async def on_stop_offers(
    callback: CallbackQuery, bot: Bot, identity: ChannelIdentity, channel: Channel
) -> None:
    if identity.client_id is not None:
        await stop_offers(identity.id, evidence_of(channel, callback))
    await say(
        bot,
        callback,
        _(
            "Done: no more offers from us on this channel. Updates about your orders and "
            "deliveries still come; you can change this in Settings."
        ),
    )
