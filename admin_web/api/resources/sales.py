"""The sales pipeline over the API: requests with their quotes, orders, and moving a request.

Reading follows the panel's rule (a manager's key sees their own and unassigned clients);
moving goes through the same state machine as the board and the bot.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet

from admin_web.api.registry import Call, Operation, page_model
from admin_web.keys import NOTIFIER
from core.errors import InvalidInput, NotFound
from core.i18n import N_
from core.models import Location, Order, Quote, QuoteRequest, RefusalReason, RequestState
from core.services import pricing
from core.services.access import Permission
from core.services.company import current_company, zone_of
from core.services.contacts import RowId
from core.services.pagination import PageQuery, paginate
from core.services.quote_requests import (
    Place,
    RequestDraft,
    move_by_staff,
    open_request_for,
    visible_requests,
)
from core.services.quoting import ready_at
from core.services.request_queue import offer_request

TAG = "Sales pipeline"


class QuoteOut(BaseModel):
    """Options exactly as offered: legs, dates, price, VAT, total, cost and margin."""

    id: int
    currency: str
    options: list[dict[str, Any]]
    valid_until: dt.datetime
    sent_at: dt.datetime | None
    accepted_option: int | None
    answered_at: dt.datetime | None
    reminders_sent: int
    override_reason: str
    created_by_id: int | None

    @classmethod
    def of(cls, quote: Quote) -> QuoteOut:
        return cls(
            id=quote.id,
            currency=quote.currency,
            options=quote.options,
            valid_until=quote.valid_until,
            sent_at=quote.sent_at,
            accepted_option=quote.accepted_option,
            answered_at=quote.answered_at,
            reminders_sent=quote.reminders_sent,
            override_reason=quote.override_reason,
            created_by_id=quote.created_by_id,  # type: ignore[attr-defined]
        )


class OrderOut(BaseModel):
    """An accepted option with its route and price frozen."""

    id: int
    number: str | None
    request_id: int
    quote_id: int
    client_id: int
    manager_id: int | None
    currency: str
    price: Decimal
    vat: Decimal
    total: Decimal
    cost: Decimal | None
    option: dict[str, Any]
    cancelled_at: dt.datetime | None = Field(
        description="Set when the request was refused after the order was placed."
    )
    created_at: dt.datetime

    @classmethod
    def of(cls, order: Order) -> OrderOut:
        return cls(
            id=order.id,
            number=order.number,
            request_id=order.request_id,  # type: ignore[attr-defined]
            quote_id=order.quote_id,  # type: ignore[attr-defined]
            client_id=order.client_id,  # type: ignore[attr-defined]
            manager_id=order.manager_id,  # type: ignore[attr-defined]
            currency=order.currency,
            price=order.price,
            vat=order.vat,
            total=order.total,
            cost=order.cost,
            option=order.option,
            cancelled_at=order.cancelled_at,
            created_at=order.created_at,
        )


class RequestOut(BaseModel):
    """A client's request; places the matcher did not know have only their typed text."""

    id: int
    client_id: int
    manager_id: int | None
    channel: str | None
    state: RequestState
    origin_id: int | None
    destination_id: int | None
    origin_text: str
    destination_text: str
    cargo_type: str
    weight_kg: Decimal
    volume_m3: Decimal
    pieces: int
    ready_on: dt.date
    priority: int
    needs_manager: bool
    refusal_reason: RefusalReason | None
    created_at: dt.datetime
    state_changed_at: dt.datetime
    quotes: list[QuoteOut]
    order: OrderOut | None

    @classmethod
    def of(cls, request: QuoteRequest, quotes: list[Quote], order: Order | None) -> RequestOut:
        return cls(
            id=request.id,
            client_id=request.client_id,  # type: ignore[attr-defined]
            manager_id=request.manager_id,  # type: ignore[attr-defined]
            channel=request.channel,
            state=request.state,
            origin_id=request.origin_id,  # type: ignore[attr-defined]
            destination_id=request.destination_id,  # type: ignore[attr-defined]
            origin_text=request.origin_text,
            destination_text=request.destination_text,
            cargo_type=request.cargo_type,
            weight_kg=request.weight_kg,
            volume_m3=request.volume_m3,
            pieces=request.pieces,
            ready_on=request.ready_on,
            priority=request.priority,
            needs_manager=request.needs_manager,
            refusal_reason=request.refusal_reason,
            created_at=request.created_at,
            state_changed_at=request.state_changed_at,
            quotes=[QuoteOut.of(q) for q in quotes],
            order=OrderOut.of(order) if order else None,
        )


RequestPage = page_model(RequestOut, "RequestPage")
OrderPage = page_model(OrderOut, "OrderPage")


class RequestQuery(PageQuery):
    state: RequestState | None = None


Amount = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=3)]
Text = Annotated[str, Field(min_length=1, max_length=200)]


class RequestInput(BaseModel):
    """A client's request as a website form or another system takes it.

    A place is a known location's id, or the words the client used (then a manager prices
    the request by hand, as in the bot).
    """

    model_config = ConfigDict(extra="forbid")

    client_id: RowId
    origin_id: RowId | None = None
    origin_text: Text | None = None
    destination_id: RowId | None = None
    destination_text: Text | None = None
    weight_kg: Amount
    volume_m3: Amount | None = None
    pieces: Annotated[int, Field(ge=1, le=pricing.MAX_PIECES)] = 1
    cargo_type: pricing.CargoType = pricing.CargoType.GENERAL
    ready_on: dt.date = Field(description="The local date the cargo is ready (company zone).")
    priority: Annotated[int, Field(ge=1, le=5)] = Field(
        3, description="1 fastest … 3 balanced … 5 cheapest."
    )


async def _place(field: str, location_id: int | None, text: str | None) -> Place:
    if location_id is not None:
        location = await Location.get_or_none(id=location_id, is_active=True)
        if location is None:
            raise InvalidInput(f"{field}_id", N_("There is no location with this id."))
        return Place(location.name, location.id)
    if not text or not text.strip():
        raise InvalidInput(f"{field}_id", N_("Give the place's id or its name."))
    return Place(text.strip())


async def create_request(call: Call) -> BaseModel:
    data: RequestInput = call.body
    zone = zone_of(await current_company())
    draft = RequestDraft(
        origin=await _place("origin", data.origin_id, data.origin_text),
        destination=await _place("destination", data.destination_id, data.destination_text),
        cargo=pricing.make_cargo(
            weight_kg=data.weight_kg,
            cargo_type=data.cargo_type,
            pieces=data.pieces,
            volume_m3=data.volume_m3,
        ),
        ready_on=data.ready_on,
        ready=ready_at(data.ready_on, zone, "ready_on"),
        priority=data.priority,
    )
    opened = await open_request_for(
        call.actor, data.client_id, draft, valid_days=call.settings.quote_valid_days
    )
    notifier = call.request.config_dict.get(NOTIFIER)
    if opened.quote is None and notifier is not None:
        await offer_request(notifier, opened.request)
    return (await _with_records([opened.request]))[0]


class MoveInput(BaseModel):
    """The stage to move to; orders and quotes come from their own use cases, not a move."""

    model_config = ConfigDict(extra="forbid")

    state: RequestState


async def _with_records(rows: list[QuoteRequest]) -> list[RequestOut]:
    ids = [r.id for r in rows]
    quotes: dict[int, list[Quote]] = {}
    for quote in await Quote.filter(request_id__in=ids).order_by("-created_at", "-id"):
        quotes.setdefault(quote.request_id, []).append(quote)  # type: ignore[attr-defined]
    orders = {o.request_id: o for o in await Order.filter(request_id__in=ids)}  # type: ignore[attr-defined]
    return [RequestOut.of(r, quotes.get(r.id, []), orders.get(r.id)) for r in rows]


async def list_requests(call: Call) -> BaseModel:
    query = visible_requests(call.actor)
    if call.query.state is not None:
        query = query.filter(state=call.query.state)
    page = await paginate(query, call.query.limit, call.query.cursor)
    return RequestPage(items=await _with_records(page.items), next_cursor=page.next_cursor)


async def get_request(call: Call) -> BaseModel:
    row = await visible_requests(call.actor).filter(id=call.ids["request_id"]).first()
    if row is None:
        raise NotFound()
    return (await _with_records([row]))[0]


async def move_request(call: Call) -> BaseModel:
    row = await move_by_staff(call.actor, call.ids["request_id"], call.body.state)
    return (await _with_records([row]))[0]


def _visible_orders(call: Call) -> QuerySet[Order]:
    return Order.filter(request_id__in=Subquery(visible_requests(call.actor).values("id")))


async def list_orders(call: Call) -> BaseModel:
    page = await paginate(_visible_orders(call), call.query.limit, call.query.cursor)
    return OrderPage(items=[OrderOut.of(o) for o in page.items], next_cursor=page.next_cursor)


async def get_order(call: Call) -> BaseModel:
    order = await _visible_orders(call).filter(id=call.ids["order_id"]).first()
    if order is None:
        raise NotFound()
    return OrderOut.of(order)


OPERATIONS = [
    Operation(
        "POST",
        "/requests",
        create_request,
        Permission.MAKE_QUOTES,
        "Make a quote request for a client",
        TAG,
        RequestOut,
        body=RequestInput,
        status=201,
        description=(
            "Prices it at once like the bot: the answer has the quote's options (show them to "
            "the client), or none and `needs_manager` when a place is unknown or no route is "
            "priced. Emits `request.created`."
        ),
        extra_problems=(422,),
    ),
    Operation(
        "GET",
        "/requests",
        list_requests,
        Permission.MAKE_QUOTES,
        "List quote requests",
        TAG,
        RequestPage,
        query=RequestQuery,
        description="Newest first, each with its quotes (newest first) and its order.",
    ),
    Operation(
        "GET",
        "/requests/{request_id}",
        get_request,
        Permission.MAKE_QUOTES,
        "Get a quote request",
        TAG,
        RequestOut,
    ),
    Operation(
        "POST",
        "/requests/{request_id}/moves",
        move_request,
        Permission.MAKE_QUOTES,
        "Move a request to another stage",
        TAG,
        RequestOut,
        body=MoveInput,
        description=(
            "The same checks as the pipeline board: a request becomes quoted when a quote is "
            "sent and ordered when the client accepts an option, never by a move."
        ),
    ),
    Operation(
        "GET",
        "/orders",
        list_orders,
        Permission.MAKE_QUOTES,
        "List orders",
        TAG,
        OrderPage,
        query=PageQuery,
    ),
    Operation(
        "GET",
        "/orders/{order_id}",
        get_order,
        Permission.MAKE_QUOTES,
        "Get an order",
        TAG,
        OrderOut,
    ),
]
