"""The pipeline board: requests as cards in one column per state, for the actor's clients.

A card carries what a head of sales scans for: client, route, value, age and manager. The
value is the order's total once ordered, before that the first option of the latest quote.
Query count does not grow with the cards: one query per column, one for the quotes behind
them, one for the orders.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from tortoise.expressions import Subquery

from core.errors import InvalidInput
from core.models import Order, Quote, QuoteRequest, RequestState
from core.services.access import Actor
from core.services.directions import Direction, requests_on
from core.services.pipeline import STATE_LABELS, TRANSITIONS, check_move
from core.services.quote_requests import visible_requests

CARDS_PER_COLUMN = 50


@dataclass(frozen=True, slots=True)
class BoardFilters:
    manager_id: int | None = None
    since: dt.datetime | None = None  # created at or after, UTC
    until: dt.datetime | None = None  # created before, UTC
    direction: Direction = field(default_factory=Direction)  # as the routes report has it


@dataclass(frozen=True, slots=True)
class Card:
    id: int
    state: RequestState
    client_id: int
    client_name: str
    route: str
    value: Decimal | None
    currency: str | None
    created_at: dt.datetime
    manager_name: str | None
    needs_manager: bool
    moves: tuple[RequestState, ...]


@dataclass(frozen=True, slots=True)
class Column:
    state: RequestState
    label: str  # a msgid
    total: int
    cards: tuple[Card, ...]


def board_moves(state: RequestState) -> tuple[RequestState, ...]:
    """Where a person may drag a card from `state` (orders and quotes come from use cases)."""
    allowed = []
    for target in STATE_LABELS:
        if target is state or target not in TRANSITIONS[state]:
            continue
        try:
            check_move(state, target, by_use_case=False)
        except InvalidInput:
            continue
        allowed.append(target)
    return tuple(allowed)


async def load_board(actor: Actor, filters: BoardFilters) -> list[Column]:
    query = visible_requests(actor)
    if filters.manager_id is not None:
        query = query.filter(manager_id=filters.manager_id)
    if filters.since is not None:
        query = query.filter(created_at__gte=filters.since)
    if filters.until is not None:
        query = query.filter(created_at__lt=filters.until)
    if filters.direction:
        query = query.filter(id__in=Subquery(requests_on(filters.direction).values("id")))
    columns: list[tuple[RequestState, int, list[QuoteRequest]]] = []
    for state in STATE_LABELS:
        in_state = query.filter(state=state)
        total = await in_state.count()
        rows = (
            await in_state.order_by("-created_at", "-id")
            .limit(CARDS_PER_COLUMN)
            .select_related("client", "manager")
            if total
            else []
        )
        columns.append((state, total, list(rows)))
    ids = [r.id for _state, _total, rows in columns for r in rows]
    values = await _values(ids)
    return [
        Column(
            state,
            STATE_LABELS[state],
            total,
            tuple(_card(r, values.get(r.id)) for r in rows),
        )
        for state, total, rows in columns
    ]


async def _values(request_ids: list[int]) -> dict[int, tuple[Decimal, str]]:
    if not request_ids:
        return {}
    values: dict[int, tuple[Decimal, str]] = {}
    # Newest first, so the first quote seen for a request is its latest.
    for quote in await Quote.filter(request_id__in=request_ids).order_by("-created_at", "-id"):
        rid = quote.request_id  # type: ignore[attr-defined]
        if rid not in values and quote.options:
            values[rid] = (Decimal(quote.options[0]["total"]), quote.currency)
    for order in await Order.filter(request_id__in=request_ids):
        values[order.request_id] = (order.total, order.currency)  # type: ignore[attr-defined]
    return values


def _card(request: QuoteRequest, value: tuple[Decimal, str] | None) -> Card:
    client = request.client  # type: ignore[attr-defined]
    manager = request.manager  # type: ignore[attr-defined]
    state = RequestState(request.state)
    return Card(
        id=request.id,
        state=state,
        client_id=client.id,
        client_name=client.name,
        route=f"{request.origin_text} → {request.destination_text}",
        value=value[0] if value else None,
        currency=value[1] if value else None,
        created_at=request.created_at,
        manager_name=manager.name if manager else None,
        needs_manager=request.needs_manager,
        moves=board_moves(state),
    )
