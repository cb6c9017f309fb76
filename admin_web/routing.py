"""How a panel page declares itself: its path, its handler and the permission it needs.

Every feature module lists its pages as `ROUTES`; `admin_web.routes` gathers them. The auth
middleware reads the permission from the same declaration, so a page cannot be added
without saying who may open it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from core.services.access import Permission

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# Open to anyone signed in; used for the home page, sign-out and one's own preferences.
SIGNED_IN = None
# Marks pages open without signing in (the sign-in page itself, static files).
PUBLIC = "public"


@dataclass(frozen=True, slots=True)
class PanelRoute:
    method: str
    path: str
    handler: Handler
    name: str
    permission: Permission | None
    public: bool = False


def get(path: str, handler: Handler, name: str, permission: Permission | None) -> PanelRoute:
    return PanelRoute("GET", path, handler, name, permission)


def post(path: str, handler: Handler, name: str, permission: Permission | None) -> PanelRoute:
    return PanelRoute("POST", path, handler, name, permission)
