"""/start: a new conversation, a returning client, or a staff invite code."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.handlers.common.flow import ask_language, show_main_menu, show_staff_menu
from bot.replies import say
from core.config import Settings
from core.i18n import _
from core.models import ChannelIdentity
from core.ports import Clock
from core.services import onboarding, staff
from core.services.access import Actor, ActorKind
from core.services.consent import current_consent
from core.services.identities import actor_for

router = Router(name=__name__)


@router.message(CommandStart(deep_link=True))
async def on_start_with_code(
    message: Message,
    command: CommandObject,
    bot: Bot,
    state: FSMContext,
    identity: ChannelIdentity,
    clock: Clock,
    settings: Settings,
) -> None:
    employee = await staff.redeem_invite(command.args or "", identity.id, clock)
    await identity.refresh_from_db()
    await identity.fetch_related("client", "employee")
    actor = actor_for(identity, settings.default_language)
    await say(
        bot,
        message,
        _("You are linked to Ona as {name}. Welcome to the team!", name=employee.name),
    )
    await show_staff_menu(bot, message, state, actor)


@router.message(CommandStart())
async def on_start(
    message: Message,
    bot: Bot,
    state: FSMContext,
    identity: ChannelIdentity,
    actor: Actor,
) -> None:
    await onboarding.note_start(identity)
    if actor.is_staff:
        await show_staff_menu(bot, message, state, actor)
        return
    if actor.kind is ActorKind.CLIENT and actor.client_id is not None:
        answered = await current_consent(actor.client_id, identity.channel)
        if answered is not None:
            await say(bot, message, _("Welcome back, {name}!", name=actor.name))
            await show_main_menu(bot, message, state, actor)
            return
    await ask_language(bot, message, state)
