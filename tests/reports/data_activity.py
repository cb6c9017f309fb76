"""Hand-made records for the client activity and personnel reports (reports 2 and 3), on top
of tests/reports/data.py: contacts with a client, and a whole sale in one call.

Lagos is UTC+1: 31 Oct 23:30 UTC is 1 November there, 30 Nov 23:30 UTC is 1 December.
"""

from __future__ import annotations

import datetime as dt

from core.models import (
    Client,
    Employee,
    Interaction,
    InteractionKind,
    Order,
    RefusalReason,
    RequestState,
)
from tests.reports.data import _at, order, quote, request

__all__ = ["contact", "refused", "sale"]


async def contact(
    client_: Client,
    at: dt.datetime,
    employee: Employee | None = None,
    kind: InteractionKind = InteractionKind.CALL,
) -> Interaction:
    row = await Interaction.create(client=client_, employee=employee, kind=kind, subject="call")
    await _at(Interaction, row, created_at=at)
    return row


async def sale(
    client_: Client,
    asked: dt.datetime,
    ordered: dt.datetime,
    price: str,
    cost: str | None,
    manager: Employee | None,
    *,
    taken_by: Employee | None = None,
    quoted: dt.datetime | None = None,
    cancelled: dt.datetime | None = None,
) -> Order:
    """A request at `asked`, its quote sent at `quoted` (default: an hour later) by the one
    who handles it, and the order at `ordered` (called off at `cancelled`)."""
    handler = taken_by or manager
    # As the pipeline does: an order called off turns its request into a refusal.
    request_ = await request(
        client_,
        asked,
        manager=manager,
        taken_by=taken_by,
        taken_at=asked if taken_by else None,
        state=RequestState.REFUSED if cancelled else RequestState.ORDERED,
        state_changed=cancelled or ordered,
    )
    quote_ = await quote(request_, quoted or asked + dt.timedelta(hours=1), by=handler)
    return await order(quote_, ordered, price, cost, manager, cancelled=cancelled)


async def refused(
    client_: Client,
    asked: dt.datetime,
    at: dt.datetime,
    reason: RefusalReason,
    manager: Employee | None,
):
    return await request(
        client_,
        asked,
        manager=manager,
        state=RequestState.REFUSED,
        state_changed=at,
        reason=reason,
    )
