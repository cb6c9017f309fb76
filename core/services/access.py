"""Who is acting and what they may do: the one place where roles become permissions."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.errors import PermissionDenied
from core.models import Role


class ActorKind(StrEnum):
    ANONYMOUS = "anonymous"
    CLIENT = "client"
    STAFF = "staff"


class Permission(StrEnum):
    VIEW_CLIENTS = "view_clients"
    MANAGE_STAFF = "manage_staff"
    USE_STAFF_MENU = "use_staff_menu"


_ALL_STAFF = frozenset(Role)
_GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.VIEW_CLIENTS: frozenset(
        {Role.ADMIN, Role.DIRECTOR, Role.HEAD_OF_SALES, Role.MANAGER, Role.MARKETER}
    ),
    Permission.MANAGE_STAFF: frozenset({Role.ADMIN, Role.DIRECTOR}),
    Permission.USE_STAFF_MENU: _ALL_STAFF,
}


@dataclass(frozen=True, slots=True)
class Actor:
    """The bot's identity middleware and the web's auth middleware both produce one of these."""

    kind: ActorKind
    language: str
    identity_id: int | None = None
    client_id: int | None = None
    employee_id: int | None = None
    role: Role | None = None
    name: str = ""

    @property
    def is_staff(self) -> bool:
        return self.kind is ActorKind.STAFF and self.role is not None

    def can(self, permission: Permission) -> bool:
        return self.is_staff and self.role in _GRANTS[permission]


def require(actor: Actor, permission: Permission) -> None:
    if not actor.can(permission):
        raise PermissionDenied()
