"""/carriers: list with filters, create, read, change."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from admin_web.api.registry import Call, Operation, page_model
from core.models import Carrier
from core.services import carriers
from core.services.access import Permission
from core.services.pagination import PageQuery, paginate

TAG = "Carriers"


class CarrierOut(BaseModel):
    """A carrier."""

    id: int
    name: str
    phone: str | None
    email: str | None
    country: str | None
    city: str | None
    modes: list[str]
    notes: str
    created_at: dt.datetime

    @classmethod
    def of(cls, carrier: Carrier) -> CarrierOut:
        return cls(
            id=carrier.id,
            name=carrier.name,
            phone=carrier.phone,
            email=carrier.email,
            country=carrier.country,
            city=carrier.city,
            modes=list(carrier.modes or []),
            notes=carrier.notes,
            created_at=carrier.created_at,
        )


class CarrierListQuery(carriers.CarrierFilters, PageQuery):
    pass


CarrierPage = page_model(CarrierOut, "CarrierPage")


async def list_carriers(call: Call) -> BaseModel:
    page = await paginate(
        carriers.carrier_query(call.actor, call.query), call.query.limit, call.query.cursor
    )
    return CarrierPage(
        items=[CarrierOut.of(carrier) for carrier in page.items], next_cursor=page.next_cursor
    )


async def create_carrier(call: Call) -> BaseModel:
    carrier = await carriers.create_carrier(call.actor, call.body, call.settings.phone_region)
    return CarrierOut.of(carrier)


async def get_carrier(call: Call) -> BaseModel:
    return CarrierOut.of(await carriers.get_carrier(call.actor, call.ids["carrier_id"]))


async def update_carrier(call: Call) -> BaseModel:
    carrier = await carriers.update_carrier(
        call.actor, call.ids["carrier_id"], call.body, call.settings.phone_region
    )
    return CarrierOut.of(carrier)


OPERATIONS = [
    Operation(
        "GET",
        "/carriers",
        list_carriers,
        Permission.VIEW_CARRIERS,
        "List carriers",
        TAG,
        CarrierPage,
        query=CarrierListQuery,
    ),
    Operation(
        "POST",
        "/carriers",
        create_carrier,
        Permission.EDIT_CARRIERS,
        "Create a carrier",
        TAG,
        CarrierOut,
        body=carriers.CarrierInput,
        status=201,
    ),
    Operation(
        "GET",
        "/carriers/{carrier_id}",
        get_carrier,
        Permission.VIEW_CARRIERS,
        "Get a carrier",
        TAG,
        CarrierOut,
    ),
    Operation(
        "PATCH",
        "/carriers/{carrier_id}",
        update_carrier,
        Permission.EDIT_CARRIERS,
        "Change a carrier",
        TAG,
        CarrierOut,
        body=carriers.CarrierChanges,
        description="Send only the fields to change; null clears an optional field. "
        "`modes` replaces the whole list.",
    ),
]
