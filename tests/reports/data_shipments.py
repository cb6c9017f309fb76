"""Hand-made shipments for the carriers and overview report tests, each at an exact moment.

A shipment comes with the request, quote and order behind it (the order's price and cost
are the legs' sums unless given). Legs are (carrier, price, cost), in route order.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count

from core.models import (
    Carrier,
    Client,
    Employee,
    EventSource,
    Location,
    RequestState,
    Shipment,
    ShipmentEvent,
    ShipmentLeg,
    ShipmentStatus,
)
from tests.reports.data import order, quote, request, utc

__all__ = ["carrier", "event", "location", "sale", "shipment", "utc"]

_n = count(1)
Leg = tuple[Carrier | None, str | None, str | None]


async def carrier(name: str) -> Carrier:
    return await Carrier.create(name=name)


async def location(name: str) -> Location:
    return await Location.create(name=name, country="NG")


async def sale(
    client_: Client,
    created: dt.datetime,
    price: str,
    cost: str | None,
    manager: Employee | None,
    *,
    origin: str | Location = "Lagos",
    destination: str | Location = "Abuja",
    state: RequestState = RequestState.ORDERED,
    cancelled: dt.datetime | None = None,
):
    """An order made at `created` on a request from `origin` to `destination` (typed names,
    or known locations)."""
    places = {}
    for side, place in (("origin", origin), ("destination", destination)):
        if isinstance(place, Location):
            places[side] = place
        else:
            places[f"{side}_text"] = place
    request_ = await request(client_, created, manager=manager, state=state, **places)
    quote_ = await quote(request_, created, by=manager)
    return await order(quote_, created, price, cost, manager, cancelled=cancelled)


async def shipment(
    client_: Client,
    created: dt.datetime,
    legs: list[Leg],
    *,
    promised: dt.datetime,
    eta: dt.datetime | None = None,
    delivered: dt.datetime | None = None,
    missing_proof: bool = False,
    status: ShipmentStatus | None = None,
    manager: Employee | None = None,
    price: str | None = None,
    cost: str | None = None,
    origin: str | Location = "Lagos",
    destination: str | Location = "Abuja",
    cancelled: dt.datetime | None = None,
) -> Shipment:
    """A shipment made at `created` for a new order of the client, with its legs."""
    if price is None:
        price = str(sum(Decimal(p) for _c, p, _k in legs if p is not None))
    if cost is None and all(k is not None for _c, _p, k in legs):
        cost = str(sum(Decimal(k) for _c, _p, k in legs if k is not None))
    order_ = await sale(
        client_,
        created,
        price,
        cost,
        manager,
        origin=origin,
        destination=destination,
        cancelled=cancelled,
    )
    if status is None:
        status = ShipmentStatus.DELIVERED if delivered else ShipmentStatus.IN_TRANSIT
    number = next(_n)
    row = await Shipment.create(
        number=f"SH-T-{number:05d}",
        order=order_,
        client=client_,
        manager=manager,
        status=status,
        promised_at=promised,
        eta=eta or promised,
        delivered_at=delivered,
        missing_proof=missing_proof,
        tracking_token=f"report-test-token-{number}",
    )
    await Shipment.filter(id=row.id).update(created_at=created)
    for position, (carrier_, leg_price, leg_cost) in enumerate(legs):
        await ShipmentLeg.create(
            shipment=row,
            position=position,
            mode="road",
            origin=f"stop {position}",
            destination=f"stop {position + 1}",
            carrier=carrier_,
            departs_at=created,
            arrives_at=promised,
            price=Decimal(leg_price) if leg_price is not None else None,
            cost=Decimal(leg_cost) if leg_cost is not None else None,
        )
    return row


async def event(
    shipment_: Shipment, status: ShipmentStatus, at: dt.datetime, leg: int | None = None
) -> ShipmentEvent:
    return await ShipmentEvent.create(
        shipment=shipment_, leg=leg, status=status, occurred_at=at, source=EventSource.STAFF
    )
