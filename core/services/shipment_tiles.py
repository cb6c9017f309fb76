"""Dashboard tiles of shipments: in transit, late, delivered without proof.

Each counts the shipments the viewer may see (`visible_shipments`: a manager their clients',
a head of sales their team's) and links to the shipments list with the same filter, so the
figure equals the rows the list shows. What "late" means is decided here once, for the
tiles, the panel's list and the API.
"""

from __future__ import annotations

import datetime as dt

from tortoise.expressions import F, Q
from tortoise.queryset import QuerySet

from core.i18n import N_
from core.models import Shipment, ShipmentStatus
from core.services.access import Permission
from core.services.dashboard import TileContext, TileFigure, register_tile
from core.services.shipment_status import FINAL
from core.services.shipments import OPEN_STATUSES, visible_shipments

LIST_PATH = "/admin/shipments"
# On its way: picked up and not yet delivered, or held up on the way.
IN_TRANSIT = (
    ShipmentStatus.PICKED_UP,
    ShipmentStatus.IN_TRANSIT,
    ShipmentStatus.AT_TERMINAL,
    ShipmentStatus.OUT_FOR_DELIVERY,
    ShipmentStatus.DELAYED,
)


def late_condition(now: dt.datetime) -> Q:
    """Late: still open and expected after the promised arrival, or past its ETA."""
    return Q(status__in=OPEN_STATUSES) & (Q(eta__gt=F("promised_at")) | Q(eta__lt=now))


def is_late(shipment: Shipment, now: dt.datetime) -> bool:
    """The same rule as `late_condition`, for one shipment already loaded."""
    if shipment.status in FINAL:
        return False
    return shipment.eta > shipment.promised_at or shipment.eta < now


def only_late(query: QuerySet[Shipment], now: dt.datetime) -> QuerySet[Shipment]:
    return query.filter(late_condition(now))


def without_proof(query: QuerySet[Shipment]) -> QuerySet[Shipment]:
    return query.filter(status=ShipmentStatus.DELIVERED, missing_proof=True)


@register_tile(
    "shipments.in_transit", N_("Shipments in transit"), Permission.VIEW_SHIPMENTS, order=60
)
async def in_transit(ctx: TileContext) -> TileFigure:
    count = await visible_shipments(ctx.actor).filter(status__in=IN_TRANSIT).count()
    return TileFigure(count, link=f"{LIST_PATH}?status=moving")


@register_tile("shipments.late", N_("Late shipments"), Permission.VIEW_SHIPMENTS, order=61)
async def late(ctx: TileContext) -> TileFigure:
    count = await only_late(visible_shipments(ctx.actor), ctx.now).count()
    return TileFigure(count, link=f"{LIST_PATH}?late=yes")


@register_tile(
    "shipments.no_proof",
    N_("Delivered without proof"),
    Permission.VIEW_SHIPMENTS,
    order=62,
)
async def delivered_without_proof(ctx: TileContext) -> TileFigure:
    count = await without_proof(visible_shipments(ctx.actor)).count()
    return TileFigure(count, link=f"{LIST_PATH}?proof=missing")
