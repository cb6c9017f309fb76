"""Who may reach a router. The staff guard is the one gate in front of every staff handler."""

from aiogram.filters import BaseFilter
from aiogram.types import TelegramObject

from core.services.access import Actor, ActorKind, Permission


class IsStaff(BaseFilter):
    async def __call__(self, event: TelegramObject, actor: Actor | None = None) -> bool:
        return actor is not None and actor.can(Permission.USE_STAFF_MENU)


class IsClient(BaseFilter):
    async def __call__(self, event: TelegramObject, actor: Actor | None = None) -> bool:
        return actor is not None and actor.kind is ActorKind.CLIENT
