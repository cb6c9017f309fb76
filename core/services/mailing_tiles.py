"""Dashboard tiles of mailings: campaigns running, messages sent today, offers stopped.

Campaigns and their messages are the company's (every role that sends mailings sees every
campaign); the clients who stopped offers are counted among those the viewer may see, like
the client list the tile links to.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from tortoise.expressions import Subquery

from core.i18n import N_
from core.models import CampaignState, Consent, ConsentPurpose, OutboxMessage, OutboxState
from core.services.access import Permission
from core.services.campaigns import campaigns_query
from core.services.clients import visible_clients
from core.services.dashboard import TileContext, TileFigure, clients_link, register_tile

MAILINGS_PATH = "/admin/mailings"
# "This week": today and the six days before it, in the company's calendar.
WEEK_DAYS = 7
OFFER_PURPOSES = (ConsentPurpose.MARKETING, ConsentPurpose.MESSAGES)


def mailings_link(**params: str) -> str:
    return f"{MAILINGS_PATH}?{urlencode(params)}"


@register_tile("mailings.running", N_("Campaigns running"), Permission.SEND_MAILINGS, order=70)
async def campaigns_running(ctx: TileContext) -> TileFigure:
    count = await campaigns_query(ctx.actor).filter(state=CampaignState.RUNNING).count()
    return TileFigure(count, link=mailings_link(state=CampaignState.RUNNING.value))


@register_tile(
    "mailings.sent_today", N_("Mailings sent today"), Permission.SEND_MAILINGS, order=71
)
async def sent_today(ctx: TileContext) -> TileFigure:
    """Messages of campaigns the platforms took today (the company's day)."""
    count = await OutboxMessage.filter(
        state=OutboxState.SENT, sent_at__gte=ctx.day_start, sent_at__lt=ctx.day_end
    ).count()
    return TileFigure(count, link=mailings_link(sent_on=ctx.today.isoformat()))


@register_tile(
    "mailings.offers_stopped",
    N_("Offers stopped this week"),
    Permission.SEND_MAILINGS,
    order=72,
)
async def offers_stopped(ctx: TileContext) -> TileFigure:
    """Clients who said no to offers (or to all messages) on some channel in 7 local days."""
    first = ctx.today - dt.timedelta(days=WEEK_DAYS - 1)
    since = dt.datetime.combine(first, dt.time.min, tzinfo=ctx.zone).astimezone(dt.UTC)
    stopped = Consent.filter(
        granted=False, purpose__in=OFFER_PURPOSES, created_at__gte=since
    ).values("client_id")
    count = await visible_clients(ctx.actor).filter(id__in=Subquery(stopped)).count()
    return TileFigure(
        count, link=clients_link(consent_changed="withdrawn", changed_from=first.isoformat())
    )
