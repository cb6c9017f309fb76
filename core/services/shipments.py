"""Shipments: made from an order, moved by events, followed by the client and the carrier.

One rule for every entry point (bot, panel, carriers' API, CSV import): an event is checked
against the shipment's progress (no "delivered" before "picked up"), stored append-only,
moves the summary on the shipment row (status, leg, ETA), moves the sales pipeline, and
queues the client's notification, all in one transaction. Only a person allowed to manage
shipments may push an out-of-order event through, with a reason.

Who sees what is decided here too: a client its own shipments, a carrier the shipments it
carries (never the prices), staff as for the client behind the shipment.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from core.errors import InvalidInput, NotFound, PermissionDenied
from core.i18n import N_, gettext
from core.models import (
    Carrier,
    DocumentKind,
    EventSource,
    Lane,
    Order,
    QuoteRequest,
    RequestState,
    Role,
    Shipment,
    ShipmentDocument,
    ShipmentEvent,
    ShipmentLeg,
    ShipmentStatus,
)
from core.services import audit
from core.services.access import Actor, ActorKind, Permission, require
from core.services.clients import UtcDatetime, visible_clients
from core.services.contacts import line, text
from core.services.directions import Direction, requests_on
from core.services.media import MediaStore, check_upload, new_key, strip_metadata
from core.services.pipeline import move
from core.services.shipment_notices import queue_notice
from core.services.shipment_status import (
    EXCEPTIONS,
    FINAL,
    PROGRESS,
    REQUIRES,
    STATUS_LABELS,
    S,
)
from core.services.webhooks import SHIPMENT_MOVED, emit

OUT_OF_ORDER = N_(
    "A shipment cannot go from “{current}” to “{target}”. "
    "A manager can push it through with a reason."
)
NOT_YOUR_PART = N_("This is for the carrier of another part of the route to report.")
TRACKING_TOKEN_BYTES = 24
_link_days = {"days": 30}


def set_tracking_link_days(days: int) -> None:
    """TRACKING_LINK_DAYS: how long a public link keeps working after delivery."""
    _link_days["days"] = days


def new_tracking_token() -> str:
    return secrets.token_urlsafe(TRACKING_TOKEN_BYTES)


async def create_for_order(order: Order, conn: BaseDBAsyncClient) -> Shipment:
    """The shipment of a new order, inside the order's transaction: the frozen route's legs,
    each with the lane's carrier, and the promised arrival as the first ETA."""
    option = order.option
    legs = option.get("legs", [])
    arrival = dt.datetime.fromisoformat(option["arrival"])
    shipment = await Shipment.create(
        number=order.number,
        order=order,
        client_id=order.client_id,  # type: ignore[attr-defined]
        manager_id=order.manager_id,  # type: ignore[attr-defined]
        promised_at=arrival,
        eta=arrival,
        tracking_token=new_tracking_token(),
        using_db=conn,
    )
    lane_ids = [leg["lane_id"] for leg in legs if leg.get("lane_id")]
    known_lanes = set(
        await Lane.filter(id__in=lane_ids).using_db(conn).values_list("id", flat=True)
    )
    for position, leg in enumerate(legs):
        await ShipmentLeg.create(
            shipment=shipment,
            position=position,
            mode=leg["mode"],
            origin=leg.get("origin", ""),
            destination=leg.get("destination", ""),
            origin_location_id=leg.get("origin_id"),
            destination_location_id=leg.get("destination_id"),
            lane_id=leg.get("lane_id") if leg.get("lane_id") in known_lanes else None,
            carrier_id=leg.get("carrier_id"),
            departs_at=dt.datetime.fromisoformat(leg["departure"]),
            arrives_at=dt.datetime.fromisoformat(leg["arrival"]),
            price=Decimal(leg["price"]) if leg.get("price") is not None else None,
            cost=Decimal(leg["cost"]) if leg.get("cost") is not None else None,
            using_db=conn,
        )
    return shipment


# -- Who sees what -----------------------------------------------------------------------


def visible_shipments(actor: Actor) -> QuerySet[Shipment]:
    """Shipments the actor may read. A carrier sees those it carries a leg of; staff see
    those of the clients they see (managers their own, heads their team's)."""
    if actor.kind is ActorKind.CLIENT:
        return Shipment.filter(client_id=actor.client_id or 0)
    require(actor, Permission.VIEW_SHIPMENTS)
    if actor.role is Role.CARRIER:
        carried = ShipmentLeg.filter(carrier_id=actor.carrier_id or 0).values("shipment_id")
        return Shipment.filter(id__in=Subquery(carried))
    if actor.role in (Role.MANAGER, Role.HEAD_OF_SALES):
        clients = Subquery(visible_clients(actor).values("id"))
        mine = Q(client_id__in=clients)
        if actor.employee_id is not None:
            mine |= Q(manager_id=actor.employee_id)
        return Shipment.filter(mine)
    return Shipment.all()


@dataclass(frozen=True, slots=True)
class ShipmentFilters:
    """What a report figure opens the list to: booked and delivered within UTC bounds
    (at or after `since`, before `until`) and the request's direction."""

    created_since: dt.datetime | None = None
    created_until: dt.datetime | None = None
    delivered_since: dt.datetime | None = None
    delivered_until: dt.datetime | None = None
    direction: Direction = field(default_factory=Direction)


def filter_shipments(query: QuerySet[Shipment], filters: ShipmentFilters) -> QuerySet[Shipment]:
    """Narrow a visible list; the direction is the routes report's (core.services.directions),
    reached through the order's request."""
    bounds = {
        "created_at__gte": filters.created_since,
        "created_at__lt": filters.created_until,
        "delivered_at__gte": filters.delivered_since,
        "delivered_at__lt": filters.delivered_until,
    }
    query = query.filter(**{k: v for k, v in bounds.items() if v is not None})
    if filters.direction:
        requests = Subquery(requests_on(filters.direction).values("id"))
        orders = Order.filter(request_id__in=requests).values("id")
        query = query.filter(order_id__in=Subquery(orders))
    return query


def sees_prices(actor: Actor) -> bool:
    """Carriers never see what the client pays."""
    return actor.kind is not ActorKind.CLIENT and actor.role is not Role.CARRIER


async def shipment_by_number(actor: Actor, number: str) -> Shipment:
    """A visible shipment by its number, typed in any case; NotFound for anything else,
    so a stranger's number reads exactly like a wrong one."""
    cleaned = number.strip().upper()[:20]
    shipment = await visible_shipments(actor).filter(number=cleaned).first()
    if shipment is None:
        raise NotFound()
    return shipment


OPEN_STATUSES = tuple(s for s in ShipmentStatus if s not in FINAL)


async def client_orders(actor: Actor, limit: int = 10) -> list[tuple[Order, Shipment | None]]:
    """A client's latest orders, each with its shipment: what "My orders" lists."""
    if actor.kind is not ActorKind.CLIENT:
        raise PermissionDenied()
    orders = list(
        await Order.filter(client_id=actor.client_id or 0, number__not_isnull=True)
        .order_by("-created_at", "-id")
        .limit(limit)
    )
    shipments = {
        s.order_id: s  # type: ignore[attr-defined]
        for s in await visible_shipments(actor).filter(order_id__in=[o.id for o in orders])
    }
    return [(order, shipments.get(order.id)) for order in orders]


def open_shipments(actor: Actor) -> QuerySet[Shipment]:
    return visible_shipments(actor).filter(status__in=OPEN_STATUSES).order_by("-created_at")


@dataclass(frozen=True, slots=True)
class ShipmentView:
    shipment: Shipment
    legs: list[ShipmentLeg]
    events: list[ShipmentEvent]
    carriers: dict[int, str]


async def shipment_view(shipment: Shipment, actor: Actor | None = None) -> ShipmentView:
    """The shipment with its legs and events. For a carrier, other carriers' work is
    blanked: their names, their notes and who reported what (the statuses, places and times
    of the timeline stay, as on the public page)."""
    legs = list(await ShipmentLeg.filter(shipment_id=shipment.id).order_by("position"))
    events = list(
        await ShipmentEvent.filter(shipment_id=shipment.id).order_by("occurred_at", "id")
    )
    carrier_ids = {leg.carrier_id for leg in legs if leg.carrier_id}  # type: ignore[attr-defined]
    carriers = dict(await Carrier.filter(id__in=carrier_ids).values_list("id", "name"))
    if actor is not None and actor.role is Role.CARRIER:
        own = actor.carrier_id
        carriers = {k: v for k, v in carriers.items() if k == own}
        for leg in legs:
            if leg.carrier_id != own:  # type: ignore[attr-defined]
                leg.carrier_id = None  # type: ignore[attr-defined]  (shown, never saved)
        for event in events:
            if event.carrier_id != own:  # type: ignore[attr-defined]
                event.note = ""
                event.employee_id = None  # type: ignore[attr-defined]
                event.carrier_id = None  # type: ignore[attr-defined]
    return ShipmentView(shipment, legs, events, carriers)


async def by_tracking_token(token: str, now: dt.datetime) -> Shipment | None:
    """The shipment behind a public link, or None for a wrong or expired token."""
    if not token or len(token) > 64:
        return None
    shipment = await Shipment.get_or_none(tracking_token=token)
    if shipment is None:
        return None
    if shipment.tracking_expires_at is not None and shipment.tracking_expires_at <= now:
        return None
    return shipment


# -- Events ------------------------------------------------------------------------------


class EventInput(BaseModel):
    """A move reported by a person or a carrier's system."""

    model_config = ConfigDict(extra="forbid")

    status: ShipmentStatus
    occurred_at: UtcDatetime | None = Field(
        None, description="When it happened (UTC unless the time has a zone); now if absent."
    )
    place: line(200) = ""  # type: ignore[valid-type]
    note: text(2000) = ""  # type: ignore[valid-type]
    leg: int | None = Field(None, ge=0, le=50, description="The leg, counted from 0.")
    override: bool = Field(
        False, description="Push an out-of-order move through (managers only, note required)."
    )


def _progress_of(events: list[ShipmentEvent]) -> ShipmentStatus:
    """Where the cargo is on the normal path, whatever exceptions were reported since."""
    for event in reversed(events):
        if event.status in PROGRESS:
            return ShipmentStatus(event.status)
    return S.BOOKED


def check_event(current: ShipmentStatus, progress: ShipmentStatus, target: ShipmentStatus) -> bool:
    """May `target` follow? `current` is the last event (maybe an exception)."""
    if current in FINAL:
        return False
    if target in EXCEPTIONS:
        return True
    return progress in REQUIRES.get(target, frozenset())


def _planned_point(legs: list[ShipmentLeg], status: ShipmentStatus, leg: int) -> dt.datetime:
    """When the plan had the cargo reach this point."""
    if status in (S.BOOKED, S.PICKED_UP):
        return legs[0].departs_at
    if status is S.IN_TRANSIT:
        return legs[leg].departs_at
    if status is S.AT_TERMINAL:
        return legs[leg].arrives_at
    return legs[-1].arrives_at


@dataclass(frozen=True, slots=True)
class Recorded:
    event: ShipmentEvent
    created: bool  # False when an idempotency key repeated an earlier report


async def record_event(
    actor: Actor,
    number: str,
    data: EventInput,
    now: dt.datetime,
    *,
    source: EventSource = EventSource.STAFF,
    idempotency_key: str | None = None,
) -> Recorded:
    """Store one event and everything it moves, in one transaction.

    A repeated `idempotency_key` returns the event stored the first time, unchanged.
    """
    require(actor, Permission.REPORT_SHIPMENT_EVENTS)
    if data.override:
        require(actor, Permission.MANAGE_SHIPMENTS)
        if not data.note.strip():
            raise InvalidInput("note", N_("Say why the move is pushed through."))
    occurred = data.occurred_at or now
    if occurred > now + dt.timedelta(minutes=5):
        raise InvalidInput("occurred_at", N_("This time is in the future."))
    found = await shipment_by_number(actor, number)
    # A key is the reporter's own, on this shipment: it can never answer with another
    # shipment's event, nor swallow another reporter's.
    reporter = f"c{actor.carrier_id}" if actor.carrier_id else f"e{actor.employee_id or 0}"
    key = f"{found.id}:{reporter}:{idempotency_key}"[:100] if idempotency_key else None
    if key is not None:
        earlier = await ShipmentEvent.get_or_none(idempotency_key=key)
        if earlier is not None:
            return Recorded(earlier, False)
    try:
        async with in_transaction() as conn:
            shipment = await Shipment.filter(id=found.id).select_for_update().using_db(conn).get()
            legs = list(
                await ShipmentLeg.filter(shipment_id=shipment.id)
                .using_db(conn)
                .order_by("position")
            )
            leg = _leg_for(actor, shipment, legs, data)
            _check_carrier_status(actor, legs, leg, data.status)
            if (
                shipment.last_event_at is not None
                and occurred < shipment.last_event_at
                and not data.override
            ):
                # Told in arrival order, a back-dated move would rewrite what came after it.
                raise InvalidInput(
                    "occurred_at",
                    N_("This is earlier than the last update. A manager can push it through."),
                )
            events = list(
                await ShipmentEvent.filter(shipment_id=shipment.id)
                .using_db(conn)
                .order_by("occurred_at", "id")
            )
            current = ShipmentStatus(shipment.status)
            allowed = check_event(current, _progress_of(events), data.status)
            if not allowed and not data.override:
                raise InvalidInput(
                    "status",
                    OUT_OF_ORDER,
                    current=lambda: gettext(STATUS_LABELS[current]),
                    target=lambda: gettext(STATUS_LABELS[data.status]),
                )
            late = 0
            if legs and data.status in PROGRESS:
                planned = _planned_point(legs, data.status, leg)
                late = max(0, int((occurred - planned).total_seconds() // 60))
                # What the rest of the route still needs, from where the cargo is now: late
                # news moves the ETA out, catching up brings it back (never before the plan).
                remaining = legs[-1].arrives_at - planned
                shipment.eta = max(occurred + remaining, shipment.promised_at)
            event = await ShipmentEvent.create(
                shipment=shipment,
                leg=leg if legs else None,
                status=data.status,
                note=data.note,
                place=data.place,
                occurred_at=occurred,
                source=source,
                employee_id=actor.employee_id,
                carrier_id=actor.carrier_id,
                overridden=data.override and not allowed,
                late_minutes=late,
                idempotency_key=key,
                using_db=conn,
            )
            await _apply(shipment, event, leg, legs, now, conn)
            await audit.record(
                actor,
                "shipment.event",
                "shipment",
                shipment.id,
                {
                    "status": data.status,
                    "leg": leg,
                    "place": data.place,
                    "overridden": event.overridden,
                },
                connection=conn,
            )
            await emit(SHIPMENT_MOVED, event_data(shipment, event), connection=conn)
            await queue_notice(shipment, event, now, conn)
    except IntegrityError:
        # The same key raced in from a retry: the first one won, answer with it.
        if key is None:
            raise
        earlier = await ShipmentEvent.get_or_none(idempotency_key=key)
        if earlier is None:
            raise
        return Recorded(earlier, False)
    return Recorded(event, True)


def _leg_for(actor: Actor, shipment: Shipment, legs: list[ShipmentLeg], data: EventInput) -> int:
    leg = shipment.current_leg if data.leg is None else data.leg
    if data.leg is None and data.status is S.AT_TERMINAL and shipment.status is S.AT_TERMINAL:
        # "At terminal" again: still the leg that arrived, not the next one (not yet run).
        leg = max(0, shipment.current_leg - 1) if shipment.current_leg else 0
    if legs and not 0 <= leg < len(legs):
        raise InvalidInput("leg", N_("This shipment has no such leg."))
    if actor.role is Role.CARRIER and legs:
        # A carrier reports on its own legs only; with no leg named, its first one still open.
        own = [g.position for g in legs if g.carrier_id == actor.carrier_id]  # type: ignore[attr-defined]
        if data.leg is None:
            later = [p for p in own if p >= shipment.current_leg]
            leg = later[0] if later else own[-1]
        elif leg not in own:
            raise PermissionDenied()
    return max(0, leg)


def _check_carrier_status(
    actor: Actor, legs: list[ShipmentLeg], leg: int, status: ShipmentStatus
) -> None:
    """A carrier speaks for its own part of the route: the pickup only if it runs the first
    leg, the delivery only if it runs the last, an ending (lost, returned) only on its leg."""
    if actor.role is not Role.CARRIER or not legs:
        return
    own = {g.position for g in legs if g.carrier_id == actor.carrier_id}  # type: ignore[attr-defined]
    first, last = 0, len(legs) - 1
    if status is S.PICKED_UP and first not in own:
        raise InvalidInput("status", NOT_YOUR_PART)
    if status in (S.OUT_FOR_DELIVERY, S.DELIVERED) and last not in own:
        raise InvalidInput("status", NOT_YOUR_PART)
    if leg not in own:
        raise InvalidInput("status", NOT_YOUR_PART)


async def _apply(
    shipment: Shipment,
    event: ShipmentEvent,
    leg: int,
    legs: list[ShipmentLeg],
    now: dt.datetime,
    conn: BaseDBAsyncClient,
) -> None:
    status = ShipmentStatus(event.status)
    shipment.status = status
    shipment.last_event_at = event.occurred_at
    if status is S.IN_TRANSIT:
        shipment.current_leg = max(shipment.current_leg, leg)
    elif status is S.AT_TERMINAL and legs:
        shipment.current_leg = max(shipment.current_leg, min(leg + 1, len(legs) - 1))
    if status is S.DELIVERED:
        shipment.delivered_at = event.occurred_at
        # Flagged until a photo of the signed note is attached (it may have come already).
        shipment.missing_proof = (
            not await ShipmentDocument.filter(shipment_id=shipment.id, kind=DocumentKind.PROOF)
            .using_db(conn)
            .exists()
        )
    if status in FINAL:
        shipment.tracking_expires_at = event.occurred_at + dt.timedelta(days=_link_days["days"])
    await shipment.save(using_db=conn)
    order = await Order.filter(id=shipment.order_id).using_db(conn).first()  # type: ignore[attr-defined]
    if order is None:
        return
    request = await QuoteRequest.filter(id=order.request_id).using_db(conn).first()  # type: ignore[attr-defined]
    if request is None:
        return
    target = None
    if status in PROGRESS and PROGRESS[status] >= 1 and request.state is RequestState.ORDERED:
        target = RequestState.IN_TRANSIT
    if status is S.DELIVERED and request.state in (RequestState.ORDERED, RequestState.IN_TRANSIT):
        if request.state is RequestState.ORDERED:
            await move(
                request.id,
                RequestState.IN_TRANSIT,
                None,
                connection=conn,
                by_use_case=True,
                now=now,
            )
        target = RequestState.DELIVERED
    if target is not None:
        await move(request.id, target, None, connection=conn, by_use_case=True, now=now)


def event_data(shipment: Shipment, event: ShipmentEvent) -> dict[str, Any]:
    return {
        "shipment": shipment.number,
        "event_id": event.id,
        "status": event.status,
        "leg": event.leg,
        "place": event.place,
        "note": event.note,
        "occurred_at": event.occurred_at,
        "source": event.source,
        "overridden": event.overridden,
        "late_minutes": event.late_minutes,
        "eta": shipment.eta,
    }


# -- Carriers on legs --------------------------------------------------------------------


async def carriers_for_leg(leg: ShipmentLeg) -> list[Carrier]:
    """Carriers serving the leg's lane (same places and mode), the lane's own first."""
    query = Lane.filter(mode=leg.mode)
    if leg.origin_location_id and leg.destination_location_id:  # type: ignore[attr-defined]
        query = query.filter(
            origin_id=leg.origin_location_id,  # type: ignore[attr-defined]
            destination_id=leg.destination_location_id,  # type: ignore[attr-defined]
        )
    ids = await query.values_list("carrier_id", flat=True)
    return list(await Carrier.filter(id__in=set(ids)).order_by("name"))


async def assign_carrier(actor: Actor, number: str, position: int, carrier_id: int) -> ShipmentLeg:
    """Give a leg to a carrier that serves its lane; audited."""
    require(actor, Permission.MANAGE_SHIPMENTS)
    async with in_transaction() as conn:
        shipment = await shipment_by_number(actor, number)
        leg = (
            await ShipmentLeg.filter(shipment_id=shipment.id, position=position)
            .select_for_update()
            .using_db(conn)
            .first()
        )
        if leg is None:
            raise NotFound()
        serving = {c.id for c in await carriers_for_leg(leg)}
        if carrier_id not in serving:
            raise InvalidInput("carrier_id", N_("This carrier does not serve this leg's lane."))
        before = leg.carrier_id  # type: ignore[attr-defined]
        leg.carrier_id = carrier_id  # type: ignore[attr-defined]
        await leg.save(update_fields=["carrier_id"], using_db=conn)
        await audit.record(
            actor,
            "shipment.carrier_assigned",
            "shipment",
            shipment.id,
            {"leg": position, "carrier_id": [before, carrier_id]},
            connection=conn,
        )
    return leg


# -- Photos and documents ----------------------------------------------------------------


async def attach_document(
    actor: Actor,
    number: str,
    data: bytes,
    store: MediaStore,
    max_bytes: int,
    *,
    kind: DocumentKind = DocumentKind.PHOTO,
    name: str = "",
    recipient_name: str = "",
    event_id: int | None = None,
) -> ShipmentDocument:
    """Keep a photo or document for a shipment. A proof of delivery must be a photo and
    clears the shipment's missing-proof flag. The file is written before the row, so a row
    never points at nothing; a failed write leaves no row."""
    require(actor, Permission.REPORT_SHIPMENT_EVENTS)
    shipment = await shipment_by_number(actor, number)
    checked = check_upload(
        data, max_bytes, image_only=kind in (DocumentKind.PHOTO, DocumentKind.PROOF)
    )
    data = await strip_metadata(data, checked.content_type)
    key = new_key(f"shipments/{shipment.id}", checked.extension)
    await store.save(key, data, checked.content_type)
    async with in_transaction() as conn:
        document = await ShipmentDocument.create(
            shipment=shipment,
            event_id=event_id,
            kind=kind,
            key=key,
            content_type=checked.content_type,
            size=len(data),
            name=name[:200],
            recipient_name=recipient_name[:200],
            employee_id=actor.employee_id,
            using_db=conn,
        )
        if kind is DocumentKind.PROOF:
            await Shipment.filter(id=shipment.id).using_db(conn).update(missing_proof=False)
        await audit.record(
            actor,
            "shipment.document_added",
            "shipment",
            shipment.id,
            {"kind": kind, "size": len(data), "recipient": recipient_name[:200]},
            connection=conn,
        )
    return document


async def documents_of(shipment: Shipment, actor: Actor | None = None) -> list[ShipmentDocument]:
    """The shipment's photos and documents; a carrier sees only those its own people added."""
    query = ShipmentDocument.filter(shipment_id=shipment.id)
    if actor is not None and actor.role is Role.CARRIER:
        query = query.filter(employee__carrier_id=actor.carrier_id or 0)
    return list(await query.order_by("created_at", "id"))
