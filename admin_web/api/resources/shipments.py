"""Shipments over the API: /shipments, and events reported by carriers' systems.

The same rules as the panel and the bot (core.services.shipments): a carrier's key sees only
the shipments it carries a leg of (another's number is 404, like a number that does not
exist) and never the client's price; an event out of order is 422 with the reason; an
`Idempotency-Key` makes a retried report land once (201 the first time, 200 with the same
event after).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field

from admin_web.api.problems import ApiProblem
from admin_web.api.registry import Answer, Call, HeaderParam, Operation, page_model
from core.i18n import N_
from core.models import (
    DocumentKind,
    EventSource,
    Order,
    Shipment,
    ShipmentDocument,
    ShipmentEvent,
    ShipmentLeg,
    ShipmentStatus,
)
from core.services import shipments
from core.services.access import Actor, Permission
from core.services.pagination import PageQuery, paginate
from core.services.shipment_tiles import is_late, only_late

TAG = "Shipments"
IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_IDEMPOTENCY_KEY = 80


class LegOut(BaseModel):
    """A leg of the route: planned times in UTC, the carrier that runs it."""

    position: int = Field(description="Counted from 0.")
    mode: str
    origin: str
    destination: str
    carrier_id: int | None
    carrier_name: str | None
    departs_at: dt.datetime
    arrives_at: dt.datetime


class EventOut(BaseModel):
    """A reported move of the shipment, as stored (events are never changed)."""

    id: int
    status: ShipmentStatus
    leg: int | None
    place: str
    note: str
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    source: EventSource
    overridden: bool = Field(description="A manager pushed an out-of-order move through.")
    late_minutes: int = Field(description="How far behind the plan the cargo was, in minutes.")

    @classmethod
    def of(cls, event: ShipmentEvent) -> EventOut:
        return cls(
            id=event.id,
            status=ShipmentStatus(event.status),
            leg=event.leg,
            place=event.place,
            note=event.note,
            occurred_at=event.occurred_at,
            recorded_at=event.recorded_at,
            source=EventSource(event.source),
            overridden=event.overridden,
            late_minutes=event.late_minutes,
        )


class DocumentOut(BaseModel):
    """A photo or file attached to the shipment (the bytes are in the panel)."""

    id: int
    kind: DocumentKind
    content_type: str
    size: int
    name: str
    created_at: dt.datetime


class PriceOut(BaseModel):
    """What the client pays for the order."""

    currency: str
    price: Decimal
    vat: Decimal
    total: Decimal


class ShipmentOut(BaseModel):
    """A shipment: its route, where it is, its events and documents."""

    number: str
    status: ShipmentStatus
    current_leg: int
    promised_at: dt.datetime = Field(description="The arrival promised in the quote.")
    eta: dt.datetime = Field(description="The arrival expected now.")
    late: bool = Field(description="Open and expected after the promise, or past its ETA.")
    last_event_at: dt.datetime | None
    delivered_at: dt.datetime | None
    missing_proof: bool = Field(description="Delivered with no photo of the signed note.")
    created_at: dt.datetime
    legs: list[LegOut]
    events: list[EventOut]
    documents: list[DocumentOut]
    price: PriceOut | None = Field(description="Null for a carrier's key: carriers never see it.")


class ShipmentSummary(BaseModel):
    """A shipment in a list: where it is and when it is expected."""

    number: str
    status: ShipmentStatus
    current_leg: int
    promised_at: dt.datetime
    eta: dt.datetime
    late: bool
    last_event_at: dt.datetime | None
    delivered_at: dt.datetime | None
    missing_proof: bool
    created_at: dt.datetime


ShipmentPage = page_model(ShipmentSummary, "ShipmentPage")


class ShipmentQuery(PageQuery):
    status: ShipmentStatus | None = None
    late: bool | None = Field(None, description="`true`: only late shipments.")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _summary(shipment: Shipment, now: dt.datetime) -> ShipmentSummary:
    return ShipmentSummary(
        number=shipment.number,
        status=ShipmentStatus(shipment.status),
        current_leg=shipment.current_leg,
        promised_at=shipment.promised_at,
        eta=shipment.eta,
        late=is_late(shipment, now),
        last_event_at=shipment.last_event_at,
        delivered_at=shipment.delivered_at,
        missing_proof=shipment.missing_proof,
        created_at=shipment.created_at,
    )


def _leg(leg: ShipmentLeg, carriers: dict[int, str]) -> LegOut:
    carrier_id = leg.carrier_id  # type: ignore[attr-defined]
    return LegOut(
        position=leg.position,
        mode=leg.mode,
        origin=leg.origin,
        destination=leg.destination,
        carrier_id=carrier_id,
        carrier_name=carriers.get(carrier_id) if carrier_id else None,
        departs_at=leg.departs_at,
        arrives_at=leg.arrives_at,
    )


async def _price(actor: Actor, shipment: Shipment) -> PriceOut | None:
    if not shipments.sees_prices(actor):
        return None
    order = await Order.get_or_none(id=shipment.order_id)  # type: ignore[attr-defined]
    if order is None:
        return None
    return PriceOut(currency=order.currency, price=order.price, vat=order.vat, total=order.total)


async def shipment_out(actor: Actor, shipment: Shipment, now: dt.datetime) -> ShipmentOut:
    view = await shipments.shipment_view(shipment, actor)
    documents: list[ShipmentDocument] = await shipments.documents_of(shipment, actor)
    return ShipmentOut(
        **_summary(shipment, now).model_dump(),
        legs=[_leg(leg, view.carriers) for leg in view.legs],
        events=[EventOut.of(event) for event in view.events],
        documents=[
            DocumentOut(
                id=d.id,
                kind=DocumentKind(d.kind),
                content_type=d.content_type,
                size=d.size,
                name=d.name,
                created_at=d.created_at,
            )
            for d in documents
        ],
        price=await _price(actor, shipment),
    )


async def list_shipments(call: Call) -> BaseModel:
    q: ShipmentQuery = call.query
    now = _now()
    query = shipments.visible_shipments(call.actor)
    if q.status is not None:
        query = query.filter(status=q.status)
    if q.late:
        query = only_late(query, now)
    page = await paginate(query, q.limit, q.cursor)
    return ShipmentPage(items=[_summary(s, now) for s in page.items], next_cursor=page.next_cursor)


async def get_shipment(call: Call) -> BaseModel:
    shipment = await shipments.shipment_by_number(call.actor, call.texts["number"])
    return await shipment_out(call.actor, shipment, _now())


def _idempotency_key(call: Call) -> str | None:
    raw = call.request.headers.get(IDEMPOTENCY_HEADER)
    if raw is None:
        return None
    key = raw.strip()
    if not key or len(key) > MAX_IDEMPOTENCY_KEY or not key.isprintable():
        raise ApiProblem(
            "malformed-request",
            N_("The Idempotency-Key header must be 1 to 80 printable characters."),
            errors=[(IDEMPOTENCY_HEADER, "1-80")],
        )
    return key


async def report_event(call: Call) -> BaseModel | Answer:
    key = _idempotency_key(call)
    recorded = await shipments.record_event(
        call.actor,
        call.texts["number"],
        call.body,
        _now(),
        source=EventSource.API,
        idempotency_key=key,
    )
    out = EventOut.of(recorded.event)
    return out if recorded.created else Answer(out, 200)


OPERATIONS = [
    Operation(
        "GET",
        "/shipments",
        list_shipments,
        Permission.VIEW_SHIPMENTS,
        "List shipments",
        TAG,
        ShipmentPage,
        query=ShipmentQuery,
        description="Newest first. A carrier's key lists the shipments it carries a leg of.",
    ),
    Operation(
        "GET",
        "/shipments/{number}",
        get_shipment,
        Permission.VIEW_SHIPMENTS,
        "Get a shipment",
        TAG,
        ShipmentOut,
        description="By its number (the order's, e.g. ON-26-00042). A number the key may not "
        "see is 404, the same as one that does not exist. A carrier's key gets no price.",
    ),
    Operation(
        "POST",
        "/shipments/{number}/events",
        report_event,
        Permission.REPORT_SHIPMENT_EVENTS,
        "Report an event",
        TAG,
        EventOut,
        body=shipments.EventInput,
        status=201,
        other_statuses=(200,),
        headers=(
            HeaderParam(
                IDEMPOTENCY_HEADER,
                "Any unique string per event, up to 80 characters. A retry with the same key "
                "stores nothing new and answers 200 with the event stored the first time.",
                MAX_IDEMPOTENCY_KEY,
            ),
        ),
        description="Statuses follow the shipment's progress (booked, picked_up, in_transit, "
        "at_terminal, out_for_delivery, delivered; delayed, damaged, lost, returned at any "
        "point before the end). A move out of order is 422 on `status` with the reason; a "
        "manager's key may push it through with `override` and a `note`. A carrier's key "
        "reports on its own legs only (403 for another's leg). Emits `shipment.moved`.",
    ),
]
