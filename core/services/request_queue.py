"""The managers' queue: a request that needs a person is offered with Take and Pass.

It goes to the client's manager when the client has one, else to every active manager and
head of sales. The first to take it owns it (a locked, conditional claim, so two taps at once
still make one owner); the time from the request to the take is kept for the reports. Pass
offers it to the rest of the team.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise.transactions import in_transaction

from core.errors import InvalidInput, NotFound
from core.i18n import N_
from core.models import (
    AuditLog,
    ChannelIdentity,
    Client,
    Employee,
    QuoteRequest,
    RequestState,
    Role,
)
from core.ports import RequestOffer
from core.services import audit
from core.services.access import Actor, Permission, require
from core.services.quote_requests import visible_requests
from core.services.quote_text import route_summary

QUEUE_ROLES = (Role.MANAGER, Role.HEAD_OF_SALES)
NEEDS_MANAGER = N_("New request #{number} from {client} needs a manager: {route}.")
ASKS_MANAGER = N_("{client} asks a manager about request #{number}: {route}.")
PASSED = N_("Request #{number} from {client} was passed on and needs a manager: {route}.")


async def queue_for(request: QuoteRequest, *, without: int | None = None) -> list[Employee]:
    """The client's manager, or the whole sales team when the client has none."""
    client = await Client.get(id=request.client_id)  # type: ignore[attr-defined]
    manager_id = client.manager_id  # type: ignore[attr-defined]
    if manager_id is not None and manager_id != without:
        manager = await Employee.get_or_none(id=manager_id, is_active=True)
        if manager is not None:
            return [manager]
    team = await Employee.filter(role__in=QUEUE_ROLES, is_active=True).order_by("id")
    return [e for e in team if e.id != without]


async def offer_request(
    offers: RequestOffer,
    request: QuoteRequest,
    message: str = NEEDS_MANAGER,
    *,
    without: int | None = None,
) -> int:
    """Offer the request to its queue in each person's linked chats; how many chats got it."""
    staff = await queue_for(request, without=without)
    if not staff:
        return 0
    client = await Client.get(id=request.client_id)  # type: ignore[attr-defined]
    params: dict[str, Any] = {
        "number": request.id,
        "client": client.name,
        "route": lambda: route_summary(request),
    }
    by_id = {e.id: e for e in staff}
    identities = await ChannelIdentity.filter(
        employee_id__in=list(by_id), chat_id__not_isnull=True, subscribed=True
    )
    sent = 0
    for identity in identities:
        employee = by_id[identity.employee_id]  # type: ignore[attr-defined]
        language = identity.language or employee.language
        if await offers.offer(
            identity.channel, identity.chat_id, language, message, request.id, **params
        ):
            sent += 1
    return sent


async def take_request(
    actor: Actor, request_id: int, *, now: dt.datetime | None = None
) -> QuoteRequest:
    """Claim a waiting request; the one who took it first keeps it."""
    require(actor, Permission.MAKE_QUOTES)
    offered = await visible_requests(actor).filter(id=request_id).exists() or (
        await AuditLog.exists(action="request.passed", object_id=str(request_id))
    )
    if not offered:
        raise NotFound()
    now = now or dt.datetime.now(dt.UTC)
    async with in_transaction() as conn:
        request = (
            await QuoteRequest.filter(id=request_id).using_db(conn).select_for_update().first()
        )
        if request is None:
            raise NotFound()
        if request.taken_by_id is not None:  # type: ignore[attr-defined]
            if request.taken_by_id == actor.employee_id:  # type: ignore[attr-defined]
                return request
            owner = await Employee.get(id=request.taken_by_id).using_db(conn)  # type: ignore[attr-defined]
            raise InvalidInput("request", N_("{name} has already taken it."), name=owner.name)
        if request.state not in (RequestState.NEW, RequestState.QUOTED):
            raise InvalidInput("request", N_("This request is past quoting."))
        # Whoever takes it manages this request (the client's manager stays as it is).
        request.taken_by_id = actor.employee_id  # type: ignore[attr-defined]
        request.taken_at = now
        request.manager_id = actor.employee_id  # type: ignore[attr-defined]
        await request.save(update_fields=["taken_by_id", "taken_at", "manager_id"], using_db=conn)
        minutes = int((now - request.created_at).total_seconds() // 60)
        await audit.record(
            actor,
            "request.taken",
            "quote_request",
            request.id,
            {"minutes_to_take": minutes},
            connection=conn,
        )
    return request


async def pass_request(actor: Actor, offers: RequestOffer, request_id: int) -> QuoteRequest:
    """Not for me: offer the request to the rest of the team (unless someone took it)."""
    require(actor, Permission.MAKE_QUOTES)
    request = await visible_requests(actor).filter(id=request_id).first()
    if request is None:
        raise NotFound()
    if request.taken_by_id is not None:  # type: ignore[attr-defined]
        owner = await Employee.get(id=request.taken_by_id)  # type: ignore[attr-defined]
        raise InvalidInput("request", N_("{name} has already taken it."), name=owner.name)
    await audit.record(actor, "request.passed", "quote_request", request.id)
    await offer_request(offers, request, PASSED, without=actor.employee_id)
    return request
