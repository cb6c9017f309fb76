"""Hand-made records for the marketing (4) and routes (5) report tests, at exact moments.

Built on tests/reports/data.py: the company is in Lagos (UTC+1), so November there is
31 October 23:00 UTC to 30 November 23:00 UTC.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from itertools import count

from core.models import (
    Campaign,
    CampaignState,
    Client,
    Employee,
    Location,
    MailChannel,
    MailTemplate,
    MarketingCost,
    MarketingSource,
    Order,
    OutboxMessage,
    OutboxState,
    QuoteRequest,
    Segment,
    Shipment,
    ShipmentLeg,
    ShipmentStatus,
)
from tests.reports.data import order, quote, request, utc

_n = count(1)


async def forget_costs() -> None:
    """The test database is emptied table by table and marketing_cost is not in that list
    (on SQLite its rows would outlive a test): each test here starts without costs."""
    await MarketingCost.all().delete()


async def source(code: str, name: str, *, active: bool = True) -> MarketingSource:
    return await MarketingSource.create(code=code, name=name, is_active=active)


async def cost(code: str, month: dt.date, amount: str) -> MarketingCost:
    return await MarketingCost.create(source=code, month=month, amount=Decimal(amount))


async def campaign(
    name: str, started: dt.datetime | None, cost_: str | None = None, **extra
) -> Campaign:
    n = next(_n)
    segment = await Segment.create(name=f"Audience {n}", filters={})
    template = await MailTemplate.create(name=f"Template {n}")
    row = await Campaign.create(
        name=name,
        segment=segment,
        template=template,
        channels=["telegram"],
        state=CampaignState.DONE if started else CampaignState.DRAFT,
        started_at=started,
        cost=Decimal(cost_) if cost_ is not None else None,
        **extra,
    )
    return row


async def message(
    campaign_: Campaign,
    client_: Client,
    sent: dt.datetime | None,
    *,
    state: OutboxState = OutboxState.SENT,
    channel: MailChannel = MailChannel.TELEGRAM,
) -> OutboxMessage:
    """The campaign's message to the client, sent at `sent` (or not sent, by its state)."""
    return await OutboxMessage.create(
        campaign=campaign_,
        client=client_,
        channel=channel,
        state=state,
        due_at=sent or utc(2026, 11, 1),
        sent_at=sent if state is OutboxState.SENT else None,
        token=secrets.token_hex(8),
    )


async def ordered(
    client_: Client,
    created: dt.datetime,
    price: str,
    cost_: str | None = None,
    manager: Employee | None = None,
    *,
    cancelled: dt.datetime | None = None,
    **route,
) -> Order:
    """A request, its quote and its order, all at `created` (for the order's own time)."""
    req = await request(client_, created - dt.timedelta(hours=2), manager=manager, **route)
    sent = await quote(req, created - dt.timedelta(hours=1))
    return await order(sent, created, price, cost_, manager, cancelled=cancelled)


async def place(name: str, country: str | None) -> Location:
    return await Location.create(name=name, country=country)


async def shipment(
    order_: Order,
    created: dt.datetime,
    *,
    modes: tuple[str, ...] = ("road",),
    promised_hours: float = 48,
    delivered_hours: float | None = None,
) -> Shipment:
    """A shipment booked at `created`, promised and maybe delivered so many hours later."""
    promised = created + dt.timedelta(hours=promised_hours)
    delivered = created + dt.timedelta(hours=delivered_hours) if delivered_hours else None
    row = await Shipment.create(
        number=f"SH-T-{next(_n):05d}",
        order=order_,
        client_id=order_.client_id,  # type: ignore[attr-defined]
        manager_id=order_.manager_id,  # type: ignore[attr-defined]
        status=ShipmentStatus.DELIVERED if delivered else ShipmentStatus.IN_TRANSIT,
        promised_at=promised,
        eta=promised,
        delivered_at=delivered,
        tracking_token=secrets.token_urlsafe(16),
    )
    await Shipment.filter(id=row.id).update(created_at=created)
    for position, mode in enumerate(modes):
        await ShipmentLeg.create(
            shipment=row,
            position=position,
            mode=mode,
            origin="A",
            destination="B",
            departs_at=created,
            arrives_at=promised,
        )
    return row


async def route_request(
    client_: Client,
    created: dt.datetime,
    origin: Location | str,
    destination: Location | str,
    manager: Employee | None = None,
) -> QuoteRequest:
    """A request on a direction: a Location from the list, or the text the client typed."""
    return await request(client_, created, manager=manager, **_route(origin, destination))


def _route(origin: Location | str, destination: Location | str) -> dict:
    route: dict = {}
    for side, value in (("origin", origin), ("destination", destination)):
        if isinstance(value, Location):
            route[side] = value
            route[f"{side}_text"] = value.name
        else:
            route[f"{side}_text"] = value
    return route


async def route_order(
    client_: Client,
    created: dt.datetime,
    origin: Location | str,
    destination: Location | str,
    price: str,
    cost_: str | None,
    manager: Employee | None = None,
    *,
    cancelled: dt.datetime | None = None,
) -> Order:
    """A request on the direction made two hours before its order at `created`."""
    return await ordered(
        client_,
        created,
        price,
        cost_,
        manager,
        cancelled=cancelled,
        **_route(origin, destination),
    )
