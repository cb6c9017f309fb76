"""Price lookup: POST /prices prices a shipment over the network, as the bot and panel do.

Stateless (nothing is stored; requests and quotes as records come with the rest of issue 4).
Cost and margin are in the answer because only roles that make quotes may call it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from admin_web.api.registry import Call, Operation
from core.errors import InvalidInput
from core.i18n import N_
from core.models import Location
from core.services import clients, pricing
from core.services.access import Permission
from core.services.company import current_company, zone_of
from core.services.contacts import RowId
from core.services.quoting import quote_options, ready_at

TAG = "Prices"
Amount = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=3)]


class PriceRequest(BaseModel):
    """What to move, from where to where, when it is ready, and time against cost."""

    model_config = ConfigDict(extra="forbid")

    origin_id: RowId
    destination_id: RowId
    weight_kg: Amount
    volume_m3: Amount | None = None
    pieces: Annotated[int, Field(ge=1, le=pricing.MAX_PIECES)] = 1
    cargo_type: pricing.CargoType = pricing.CargoType.GENERAL
    declared_value: Amount | None = None
    ready_on: dt.date = Field(description="The local date the cargo is ready (company zone).")
    priority: Annotated[int, Field(ge=1, le=5)] = Field(
        3, description="1 fastest … 3 balanced … 5 cheapest."
    )
    client_id: RowId | None = Field(
        None, description="Price at this client's own price list when it has a valid one."
    )


class LegOut(BaseModel):
    lane_id: int
    mode: str
    carrier_id: int
    origin_id: int
    destination_id: int
    departure: dt.datetime
    arrival: dt.datetime
    price: Decimal
    transfer_minutes: int
    transfer_cost: Decimal


class OptionOut(BaseModel):
    legs: list[LegOut]
    departure: dt.datetime
    arrival: dt.datetime
    duration_minutes: int
    price: Decimal = Field(description="Before VAT when prices exclude it.")
    vat: Decimal
    gross: Decimal
    cost: Decimal | None = Field(description="The carriers' cost; null when a leg's is unknown.")
    margin: Decimal | None


class PriceLookup(BaseModel):
    """Up to three options from the time/price Pareto front, the preferred one first."""

    price_list: str | None
    currency: str | None
    options: list[OptionOut]


async def price_lookup(call: Call) -> BaseModel:
    data: PriceRequest = call.body
    ready = ready_at(data.ready_on, zone_of(await current_company()), "ready_on")
    if data.client_id is not None:
        await clients.get_client(call.actor, data.client_id)  # 404 outside the caller's scope
    found = await Location.filter(id__in=[data.origin_id, data.destination_id]).count()
    if found < len({data.origin_id, data.destination_id}):
        raise InvalidInput("origin_id", N_("There is no location with this id."))
    cargo = pricing.make_cargo(
        weight_kg=data.weight_kg,
        cargo_type=data.cargo_type,
        pieces=data.pieces,
        volume_m3=data.volume_m3,
        declared_value=data.declared_value,
    )
    result = await quote_options(
        data.client_id, data.origin_id, data.destination_id, cargo, ready, data.priority
    )
    return PriceLookup(
        price_list=result.price_list.name if result.price_list else None,
        currency=result.price_list.currency if result.price_list else None,
        options=[
            OptionOut(
                legs=[
                    LegOut(
                        lane_id=q.leg.lane_id,
                        mode=q.leg.mode.value,
                        carrier_id=q.leg.carrier_id,
                        origin_id=q.leg.origin,
                        destination_id=q.leg.destination,
                        departure=q.leg.departure,
                        arrival=q.leg.arrival,
                        price=q.price.total,
                        transfer_minutes=q.leg.transfer_minutes,
                        transfer_cost=q.leg.transfer_cost,
                    )
                    for q in option.legs
                ],
                departure=option.route.departure,
                arrival=option.route.arrival,
                duration_minutes=option.route.duration // dt.timedelta(minutes=1),
                price=option.vat.net,
                vat=option.vat.vat,
                gross=option.vat.gross,
                cost=option.cost,
                margin=option.margin,
            )
            for option in result.options
        ],
    )


OPERATIONS = [
    Operation(
        "POST",
        "/prices",
        price_lookup,
        Permission.MAKE_QUOTES,
        "Price a shipment",
        TAG,
        PriceLookup,
        body=PriceRequest,
        description="Routes over the carriers' lanes and prices each at the client's price "
        "list (or the main one). An empty `options` list means no priced route: a manager "
        "prices it by hand.",
        extra_problems=(404, 422),
    ),
]
