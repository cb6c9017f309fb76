"""Shipments made the way clients make them: a quote over the demo network, accepted."""

from __future__ import annotations

import datetime as dt
import struct
import zlib

from core.models import (
    Carrier,
    DocumentKind,
    Employee,
    Role,
    Shipment,
    ShipmentDocument,
    ShipmentStatus,
)
from core.services.access import Actor, ActorKind
from core.services.api_keys import create_api_key
from core.services.quote_requests import accept_quote
from core.services.shipments import EventInput, attach_document, record_event
from tests.contract.test_quote import _network
from tests.quotes.sales_data import client_identity, request_quote

ROAD_CARRIER = "Lagos Haulage Co"
RAIL_CARRIER = "Northern Rail Freight"
# The cheapest option of the demo network, and what the client pays for it.
ORDER_TOTAL = "99000"


async def make_shipment(
    client_name: str = "Adaeze Okafor", manager: Employee | None = None, *, network: bool = True
) -> Shipment:
    """An order from Lagos to Kano (road to Ibadan, then rail) and its shipment."""
    if network:
        await _network()
    buyer = await client_identity(client_name, manager)
    opened = await request_quote(buyer)
    order = await accept_quote(buyer, opened.quote.id, 0)
    return await Shipment.get(order_id=order.id)


async def carrier_named(name: str) -> Carrier:
    return (await Carrier.get_or_create(name=name))[0]


async def carrier_key(admin, carrier: Carrier) -> str:
    """A carrier's API key: the carrier role, bound to its company."""
    _key, plaintext = await create_api_key(
        admin, f"{carrier.name} system", Role.CARRIER, carrier.id
    )
    return plaintext


def png(width: int = 2, height: int = 2) -> bytes:
    """A real, tiny PNG (a browser can draw it)."""
    raw = b"".join(b"\x00" + b"\x20\x80\xc0" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


async def dispatcher_actor(name: str = "Dayo Dispatcher") -> Actor:
    employee = await Employee.create(name=name, role=Role.DISPATCHER)
    return Actor(
        kind=ActorKind.STAFF,
        language="en",
        employee_id=employee.id,
        role=employee.role,
        name=employee.name,
    )


async def move(actor: Actor, shipment: Shipment, status: str, place: str = "", note: str = ""):
    """One event, now, through the same use case every entry point calls."""
    data = EventInput(status=ShipmentStatus(status), place=place, note=note)
    return (await record_event(actor, shipment.number, data, dt.datetime.now(dt.UTC))).event


async def deliver_with_proof(runtime, actor: Actor, shipment: Shipment) -> ShipmentDocument:
    for status, place in (
        ("picked_up", "Apapa, Lagos"),
        ("in_transit", "Lagos"),
        ("at_terminal", "Ibadan rail terminal"),
        ("in_transit", "Ibadan"),
        ("out_for_delivery", "Kano"),
        ("delivered", "Kano, Sabon Gari"),
    ):
        await move(actor, shipment, status, place, note="Driver Musa +2348030000000")
    return await attach_document(
        actor,
        shipment.number,
        png(),
        runtime.media,
        5 * 1024 * 1024,
        kind=DocumentKind.PROOF,
        recipient_name="Ibrahim Sani",
    )
