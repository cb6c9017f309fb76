"""Hand-made records for the report tests, each at an exact moment.

The company is in Lagos (UTC+1), so November there runs from 31 October 23:00 UTC to
30 November 23:00 UTC: records just inside and just outside those edges check the periods.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count

from core.models import (
    Channel,
    ChannelIdentity,
    Client,
    Employee,
    Order,
    Quote,
    QuoteReminder,
    QuoteRequest,
    RefusalReason,
    RelaySession,
    ReminderRecipient,
    RequestState,
    Task,
)

_n = count(1)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


async def _at(model, row, **moments) -> None:
    """Set auto-filled times (created_at and the like) after the row exists."""
    await model.filter(id=row.id).update(**moments)


async def client(name: str, manager: Employee | None, created: dt.datetime, **extra) -> Client:
    row = await Client.create(
        name=name, manager=manager, phone=f"+23480155{next(_n):05d}", **extra
    )
    await _at(Client, row, created_at=created)
    return row


async def request(
    client_: Client,
    created: dt.datetime,
    *,
    manager: Employee | None = None,
    taken_by: Employee | None = None,
    taken_at: dt.datetime | None = None,
    state: RequestState = RequestState.NEW,
    state_changed: dt.datetime | None = None,
    reason: RefusalReason | None = None,
    **extra,
) -> QuoteRequest:
    row = await QuoteRequest.create(
        client=client_,
        manager=manager,
        taken_by=taken_by,
        taken_at=taken_at,
        cargo_type="general",
        weight_kg=Decimal("100"),
        ready_on=created.date(),
        state=state,
        state_changed_at=state_changed or created,
        refusal_reason=reason,
        **extra,
    )
    await _at(QuoteRequest, row, created_at=created)
    return row


async def quote(
    request_: QuoteRequest, sent: dt.datetime | None, by: Employee | None = None
) -> Quote:
    row = await Quote.create(
        request=request_,
        created_by=by,
        currency="NGN",
        options=[],
        valid_until=(sent or utc(2026, 1, 1)) + dt.timedelta(days=7),
        sent_at=sent,
    )
    await _at(Quote, row, created_at=sent or utc(2026, 1, 1))
    return row


async def order(
    quote_: Quote,
    created: dt.datetime,
    price: str,
    cost: str | None,
    manager: Employee | None,
    *,
    cancelled: dt.datetime | None = None,
    option: dict | None = None,
) -> Order:
    request_ = await quote_.request
    row = await Order.create(
        number=f"ON-T-{next(_n):05d}",
        request=request_,
        quote=quote_,
        client_id=request_.client_id,
        manager=manager,
        option=option or {"legs": []},
        currency="NGN",
        price=Decimal(price),
        vat=Decimal("0"),
        total=Decimal(price),
        cost=Decimal(cost) if cost is not None else None,
        cancelled_at=cancelled,
    )
    await _at(Order, row, created_at=created)
    return row


async def reminder(quote_: Quote, at: dt.datetime, delivered: bool = True) -> QuoteReminder:
    row = await QuoteReminder.create(
        quote=quote_, recipient=ReminderRecipient.CLIENT, delivered=delivered
    )
    await _at(QuoteReminder, row, created_at=at)
    return row


async def task(
    employee: Employee,
    due: dt.datetime,
    *,
    done: dt.datetime | None = None,
    late: bool = False,
    quality: int | None = None,
) -> Task:
    return await Task.create(
        employee=employee, title="Call", due_at=due, done_at=done, late=late, quality=quality
    )


async def chat(
    client_: Client, manager: Employee, started: dt.datetime, first_reply: dt.datetime | None
) -> RelaySession:
    identity = await ChannelIdentity.create(
        channel=Channel.TELEGRAM,
        external_id=f"r{next(_n)}",
        chat_id=880_000 + next(_n),
        client=client_,
    )
    row = await RelaySession.create(
        client=client_,
        identity=identity,
        channel=Channel.TELEGRAM,
        manager=manager,
        state="closed",
        first_reply_at=first_reply,
    )
    await _at(RelaySession, row, started_at=started)
    return row
