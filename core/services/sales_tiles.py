"""Dashboard tiles of the sales pipeline: today's requests, quotes, orders and conversion.

Each counts only the requests the viewer may see (a manager their own and unassigned
clients) and links to the pipeline board for the same day.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from tortoise.expressions import Subquery

from core.i18n import N_
from core.models import Order, Quote
from core.services.access import Permission
from core.services.dashboard import TileContext, TileFigure, register_tile
from core.services.quote_requests import visible_requests


def board_link(ctx: TileContext) -> str:
    day = ctx.today.isoformat()
    return f"/admin/pipeline?{urlencode({'from': day, 'to': day})}"


async def _requests_today(ctx: TileContext) -> int:
    return (
        await visible_requests(ctx.actor)
        .filter(created_at__gte=ctx.day_start, created_at__lt=ctx.day_end)
        .count()
    )


async def _orders_today(ctx: TileContext) -> int:
    visible = Subquery(visible_requests(ctx.actor).values("id"))
    return await Order.filter(
        request_id__in=visible,
        created_at__gte=ctx.day_start,
        created_at__lt=ctx.day_end,
        cancelled_at=None,
    ).count()


@register_tile("sales.new_requests", N_("New requests today"), Permission.MAKE_QUOTES, order=40)
async def new_requests(ctx: TileContext) -> TileFigure:
    return TileFigure(await _requests_today(ctx), link=board_link(ctx))


@register_tile("sales.quotes_sent", N_("Quotes sent today"), Permission.MAKE_QUOTES, order=41)
async def quotes_sent(ctx: TileContext) -> TileFigure:
    visible = Subquery(visible_requests(ctx.actor).values("id"))
    count = await Quote.filter(
        request_id__in=visible, sent_at__gte=ctx.day_start, sent_at__lt=ctx.day_end
    ).count()
    return TileFigure(count, link=board_link(ctx))


@register_tile("sales.orders", N_("Orders today"), Permission.MAKE_QUOTES, order=42)
async def orders_today(ctx: TileContext) -> TileFigure:
    """Orders placed today and not called off since."""
    return TileFigure(await _orders_today(ctx), link=board_link(ctx))


@register_tile("sales.conversion", N_("Conversion today"), Permission.MAKE_QUOTES, order=43)
async def conversion_today(ctx: TileContext) -> TileFigure:
    """Orders placed today over requests made today, as a whole percentage."""
    requests = await _requests_today(ctx)
    if not requests:
        return TileFigure("—", link=board_link(ctx))
    share = Decimal(100 * await _orders_today(ctx)) / requests
    return TileFigure(f"{share.quantize(Decimal(1), ROUND_HALF_UP)} %", link=board_link(ctx))
