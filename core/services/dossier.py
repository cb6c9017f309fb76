"""Reading clients and their dossiers, scoped by who is asking.

The timeline is read a page at a time by keyset (entries older than the last id shown),
so the hundredth page of a client with thousands of entries costs what the first does:
one indexed range scan, never an OFFSET.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tortoise.expressions import Q

from core.errors import NotFound
from core.models import (
    ChannelIdentity,
    Client,
    Consent,
    ConsentPurpose,
    ConsentState,
    Interaction,
    Order,
    PriceList,
)
from core.services.access import Actor, Permission, require
from core.services.clients import visible_clients, visible_interactions


@dataclass(frozen=True, slots=True)
class Dossier:
    client: Client
    interactions: list[Interaction]
    consents: list[Consent]
    identities: list[ChannelIdentity]
    consent_by_channel: dict[str, bool]
    # The id to pass as `before` for the next (older) page; None on the last page.
    next_before: int | None = None
    price_list: PriceList | None = None
    orders: list[Order] = field(default_factory=list)


async def price_list_for(client_id: int, on_date: dt.date) -> PriceList | None:
    """The list that prices this client today: its own valid contract, else the main list
    (the rule of core/services/pricing/tariffs.applicable_price_list, read straight off the
    rows so a dossier does not load every tariff)."""
    valid = (
        Q(valid_from=None) | Q(valid_from__lte=on_date),
        Q(valid_to=None) | Q(valid_to__gte=on_date),
    )
    own = (
        await PriceList.filter(*valid, client_id=client_id, is_main=False, is_active=True)
        .order_by("-valid_from", "-id")
        .first()
    )
    return own or await PriceList.filter(*valid, is_main=True, is_active=True).first()


async def client_dossier(
    actor: Actor, client_id: int, limit: int = 200, before: int | None = None
) -> Dossier:
    require(actor, Permission.VIEW_CLIENTS)
    client = await visible_clients(actor).filter(id=client_id).prefetch_related("manager").first()
    if client is None:
        raise NotFound()
    timeline = visible_interactions(actor).filter(client_id=client_id)
    if before is not None:
        timeline = timeline.filter(id__lt=before)
    # Ids grow with time, so ordering by id alone keeps the keyset exact and uses the key.
    page = await timeline.order_by("-id").limit(limit + 1).prefetch_related("employee")
    interactions = page[:limit]
    next_before = interactions[-1].id if len(page) > limit else None
    consents = (
        await Consent.filter(client_id=client_id).order_by("-created_at", "-id").limit(limit)
    )
    identities = await ChannelIdentity.filter(client_id=client_id).order_by("id")
    states = await ConsentState.filter(client_id=client_id, purpose=ConsentPurpose.MESSAGES)
    state = {entry.channel: entry.granted for entry in states}
    orders = await Order.filter(client_id=client_id).order_by("-id").limit(5)
    today = dt.datetime.now(dt.UTC).date()
    return Dossier(
        client,
        interactions,
        consents,
        identities,
        state,
        next_before,
        await price_list_for(client_id, today),
        list(orders),
    )
