"""Audiences for mailings: filters a marketer combines, saved by name, evaluated at send time.

The filters are stored as data (not as a list of client ids) so a segment grows and shrinks
with the client base; `audience()` turns them into one SQL query within what the acting
person may see, and the panel's live count is that query's COUNT.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field, ValidationError
from tortoise.expressions import Q, Subquery
from tortoise.functions import Count, Max
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from core.errors import InvalidInput, NotFound
from core.i18n import N_
from core.models import (
    Client,
    ClientKind,
    ConsentPurpose,
    ConsentState,
    MailChannel,
    Order,
    QuoteRequest,
    RequestState,
    Segment,
)
from core.services import audit
from core.services.access import Actor, Permission, require
from core.services.clients import visible_clients

OPEN_REQUEST_STATES = (RequestState.NEW, RequestState.QUOTED)
OBJECT_TYPE = "segment"


class SegmentFilters(BaseModel):
    """Every filter is optional; the ones given are combined with AND, lists with OR."""

    kinds: list[ClientKind] = Field(default_factory=list)
    cities: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    manager_ids: list[int] = Field(default_factory=list)
    last_order_after: dt.date | None = None
    last_order_before: dt.date | None = None
    min_orders: int | None = Field(None, ge=0)
    max_orders: int | None = Field(None, ge=0)
    has_open_request: bool | None = None
    # Clients who agreed to offers on this channel (the effective marketing answer).
    consented_on: MailChannel | None = None

    def is_empty(self) -> bool:
        return self == SegmentFilters()


def parse_filters(raw: dict[str, Any]) -> SegmentFilters:
    try:
        return SegmentFilters.model_validate(raw)
    except ValidationError as exc:
        field = str(exc.errors()[0]["loc"][0]) if exc.errors()[0]["loc"] else "filters"
        raise InvalidInput(field, N_("This filter value is not valid.")) from None


def _clean(values: list[str]) -> list[str]:
    return sorted({value.strip() for value in values if value.strip()})


def audience(actor: Actor, filters: SegmentFilters) -> QuerySet[Client]:
    """The clients `filters` select, among those `actor` may see, as one query."""
    require(actor, Permission.SEND_MAILINGS)
    query = visible_clients(actor)
    if filters.kinds:
        query = query.filter(kind__in=filters.kinds)
    if cities := _clean(filters.cities):
        city_match = Q()
        for city in cities:
            city_match |= Q(city__iexact=city)
        query = query.filter(city_match)
    if filters.languages:
        query = query.filter(language__in=filters.languages)
    if sources := _clean(filters.sources):
        query = query.filter(source__in=sources)
    if tags := _clean(filters.tags):
        query = query.filter(id__in=Subquery(Client.filter(tags__name__in=tags).values("id")))
    if filters.manager_ids:
        query = query.filter(manager_id__in=filters.manager_ids)
    if filters.last_order_after or filters.last_order_before:
        live = Order.filter(cancelled_at=None)
        last = live.annotate(n_last=Max("created_at")).group_by("client_id")
        if filters.last_order_after:
            after = dt.datetime.combine(filters.last_order_after, dt.time(), dt.UTC)
            last = last.filter(n_last__gte=after)
        if filters.last_order_before:
            before = dt.datetime.combine(filters.last_order_before, dt.time(), dt.UTC)
            last = last.filter(n_last__lt=before)
        query = query.filter(id__in=Subquery(last.values("client_id")))
    if filters.min_orders is not None or filters.max_orders is not None:
        counted = (
            Order.filter(cancelled_at=None).annotate(n_orders=Count("id")).group_by("client_id")
        )
        if filters.min_orders:
            query = query.filter(
                id__in=Subquery(
                    counted.filter(n_orders__gte=filters.min_orders).values("client_id")
                )
            )
        if filters.max_orders is not None:
            # Clients with no orders at all have no row to count: they match any maximum.
            query = query.exclude(
                id__in=Subquery(
                    counted.filter(n_orders__gt=filters.max_orders).values("client_id")
                )
            )
    if filters.has_open_request is not None:
        open_ = Subquery(QuoteRequest.filter(state__in=OPEN_REQUEST_STATES).values("client_id"))
        query = (
            query.filter(id__in=open_) if filters.has_open_request else query.exclude(id__in=open_)
        )
    if filters.consented_on is not None:
        granted = ConsentState.filter(
            channel=filters.consented_on.value, purpose=ConsentPurpose.MARKETING, granted=True
        )
        query = query.filter(id__in=Subquery(granted.values("client_id")))
    return query


async def count(actor: Actor, filters: SegmentFilters) -> int:
    return await audience(actor, filters).count()


def _name(name: str) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput("name", N_("Give the segment a name."))
    if len(name) > 120:
        raise InvalidInput("name", N_("The name is too long (at most {n} characters)."), n=120)
    return name


async def save_segment(
    actor: Actor, name: str, filters: SegmentFilters, segment_id: int | None = None
) -> Segment:
    """Create or edit a named segment; one transaction with its audit entry."""
    require(actor, Permission.SEND_MAILINGS)
    name = _name(name)
    async with in_transaction() as conn:
        clash = Segment.filter(name=name).using_db(conn)
        if segment_id is not None:
            clash = clash.exclude(id=segment_id)
        if await clash.exists():
            raise InvalidInput("name", N_("A segment with this name already exists."))
        stored = filters.model_dump(mode="json", exclude_defaults=True)
        if segment_id is None:
            segment = await Segment.create(
                name=name, filters=stored, created_by_id=actor.employee_id, using_db=conn
            )
            action = "created"
        else:
            segment = await Segment.filter(id=segment_id).using_db(conn).first()
            if segment is None:
                raise NotFound()
            segment.name, segment.filters = name, stored
            await segment.save(using_db=conn)
            action = "updated"
        await audit.record(
            actor, action, OBJECT_TYPE, segment.id, {"name": name, **stored}, connection=conn
        )
    return segment


async def get_segment(actor: Actor, segment_id: int) -> Segment:
    require(actor, Permission.SEND_MAILINGS)
    segment = await Segment.get_or_none(id=segment_id)
    if segment is None:
        raise NotFound()
    return segment


async def list_segments(actor: Actor) -> list[Segment]:
    require(actor, Permission.SEND_MAILINGS)
    return list(await Segment.all().order_by("name"))
