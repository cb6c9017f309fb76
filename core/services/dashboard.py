"""The dashboard: a registry of tiles, each one figure that links to the list behind it.

A capability adds its tiles where its own services live, in a few lines:

    @register_tile("quotes.open", N_("Open quotes"), Permission.VIEW_QUOTES, order=200)
    async def open_quotes(ctx: TileContext) -> TileFigure:
        count = await scoped_quotes(ctx.actor).filter(status="open").count()
        return TileFigure(count, link="/admin/quotes?status=open")

and lists its module in TILE_MODULES so the tiles exist before the first dashboard is shown.
docs/dashboard.md has the rules (one or two queries per tile, a link a list page honours).
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from tortoise.expressions import Subquery

from core.i18n import N_
from core.models import Consent, Interaction
from core.services.access import Actor, Permission, require
from core.services.clients import visible_clients

# Modules whose import registers more tiles (a later capability adds its own here).
TILE_MODULES: tuple[str, ...] = (
    "core.services.sales_tiles",
    "core.services.workspace_tiles",
    "core.services.shipment_tiles",
    "core.services.mailing_tiles",
    "core.services.report_tiles",
)

CLIENTS_PATH = "/admin/clients"
ACTIVE_WINDOW = dt.timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class TileContext:
    """What every tile computes from: who looks, when, and the company's day as UTC bounds."""

    actor: Actor
    now: dt.datetime
    zone: ZoneInfo
    today: dt.date
    day_start: dt.datetime
    day_end: dt.datetime


@dataclass(frozen=True, slots=True)
class TileFigure:
    """The figure, where clicking it leads (a panel path with its query), and a short hint."""

    value: int | Decimal | str
    link: str | None = None
    hint: str | None = None


@dataclass(frozen=True, slots=True)
class Tile:
    """`label` is a msgid, translated where the tile is drawn. `audience`, when set, narrows
    the permission's roles further (a tile linking to a report some of them may not open)."""

    key: str
    label: str
    permission: Permission
    compute: Callable[[TileContext], Awaitable[TileFigure]]
    order: int = 100
    audience: Callable[[Actor], bool] | None = None

    def shown_to(self, actor: Actor) -> bool:
        return actor.can(self.permission) and (self.audience is None or self.audience(actor))


_registry: dict[str, Tile] = {}


def register_tile(
    key: str,
    label: str,
    permission: Permission,
    *,
    order: int = 100,
    audience: Callable[[Actor], bool] | None = None,
) -> Callable[
    [Callable[[TileContext], Awaitable[TileFigure]]],
    Callable[[TileContext], Awaitable[TileFigure]],
]:
    """Decorator adding a tile. A key names one tile for good: registering it twice is a bug.

    `audience` is for the few tiles whose link is decided by more than a permission (a
    report names its own roles): only the actors it accepts see the tile.
    """

    def add(
        compute: Callable[[TileContext], Awaitable[TileFigure]],
    ) -> Callable[[TileContext], Awaitable[TileFigure]]:
        if key in _registry:
            raise ValueError(f"dashboard tile {key!r} is already registered")
        _registry[key] = Tile(key, label, permission, compute, order, audience)
        return compute

    return add


def registered_tiles() -> list[Tile]:
    for module in TILE_MODULES:
        importlib.import_module(module)
    return sorted(_registry.values(), key=lambda tile: tile.order)


def local_day(now: dt.datetime, zone: ZoneInfo) -> tuple[dt.date, dt.datetime, dt.datetime]:
    """The company's calendar day containing `now`, as [start, end) in UTC.

    Built from the local midnights, so a day of 23 or 25 hours (a clock change) is right.
    A naive `now` would silently mean the server's zone, so it is refused.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime (UTC)")
    today = now.astimezone(zone).date()
    start = dt.datetime.combine(today, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return today, start.astimezone(dt.UTC), end.astimezone(dt.UTC)


async def dashboard_for(
    actor: Actor, now: dt.datetime, zone: ZoneInfo
) -> list[tuple[Tile, TileFigure]]:
    """The tiles this actor's role may see, with their figures, in display order.

    Computed one after another: Tortoise shares one connection per context (and SQLite has
    one), so running them concurrently would only queue them.
    """
    require(actor, Permission.VIEW_DASHBOARD)
    today, start, end = local_day(now, zone)
    ctx = TileContext(actor, now, zone, today, start, end)
    return [(tile, await tile.compute(ctx)) for tile in registered_tiles() if tile.shown_to(actor)]


def clients_link(**params: str) -> str:
    return f"{CLIENTS_PATH}?{urlencode(params)}"


@register_tile("clients.new_today", N_("New clients today"), Permission.VIEW_CLIENTS, order=10)
async def new_clients_today(ctx: TileContext) -> TileFigure:
    count = (
        await visible_clients(ctx.actor)
        .filter(created_at__gte=ctx.day_start, created_at__lt=ctx.day_end)
        .count()
    )
    return TileFigure(count, link=clients_link(created_from=ctx.today.isoformat()))


@register_tile(
    "clients.active_conversations",
    N_("Active conversations"),
    Permission.VIEW_CLIENTS,
    order=20,
)
async def active_conversations(ctx: TileContext) -> TileFigure:
    """Clients who wrote or pressed something on a channel in the last 24 hours."""
    recent = Interaction.filter(
        created_at__gt=ctx.now - ACTIVE_WINDOW,
        channel__not_isnull=True,
        client_id__not_isnull=True,
    ).values("client_id")
    count = await visible_clients(ctx.actor).filter(id__in=Subquery(recent)).count()
    return TileFigure(count, link=clients_link(active_within="24h"))


async def _consent_changes(ctx: TileContext, granted: bool) -> int:
    changed = Consent.filter(
        granted=granted, created_at__gte=ctx.day_start, created_at__lt=ctx.day_end
    ).values("client_id")
    return await visible_clients(ctx.actor).filter(id__in=Subquery(changed)).count()


@register_tile(
    "consent.granted_today", N_("Consent given today"), Permission.VIEW_CLIENTS, order=30
)
async def consent_granted_today(ctx: TileContext) -> TileFigure:
    count = await _consent_changes(ctx, granted=True)
    return TileFigure(
        count,
        link=clients_link(consent_changed="granted", changed_from=ctx.today.isoformat()),
    )


@register_tile(
    "consent.withdrawn_today", N_("Consent withdrawn today"), Permission.VIEW_CLIENTS, order=40
)
async def consent_withdrawn_today(ctx: TileContext) -> TileFigure:
    count = await _consent_changes(ctx, granted=False)
    return TileFigure(
        count,
        link=clients_link(consent_changed="withdrawn", changed_from=ctx.today.isoformat()),
    )
