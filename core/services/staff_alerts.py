"""Telling the right staff about a request: the client's manager, or the heads of sales.

Staff are reached in the messenger they linked (Telegram, Viber or web chat), in their own
language. Requests that need a person are offered with Take and Pass instead
(core/services/request_queue.py).
"""

from __future__ import annotations

from typing import Any

from core.i18n import N_, format_money
from core.models import ChannelIdentity, Client, Employee, Order, QuoteRequest, Role
from core.ports import Notifier
from core.services.quote_text import route_summary


async def request_staff(request: QuoteRequest) -> list[Employee]:
    """Who answers for the request: whoever took it from the queue, else the client's manager
    now (the one who sees the client), else the heads of sales."""
    manager_id = request.taken_by_id  # type: ignore[attr-defined]
    if manager_id is None:
        client = await Client.get(id=request.client_id)  # type: ignore[attr-defined]
        manager_id = client.manager_id  # type: ignore[attr-defined]
    if manager_id is not None:
        manager = await Employee.get_or_none(id=manager_id, is_active=True)
        if manager is not None:
            return [manager]
    return await Employee.filter(role=Role.HEAD_OF_SALES, is_active=True)


async def alert_staff(
    notifier: Notifier, staff: list[Employee], message: str, **params: Any
) -> int:
    """Send `message` (a message id) to every linked chat of `staff`; how many got it."""
    if not staff:
        return 0
    by_id = {e.id: e for e in staff}
    identities = await ChannelIdentity.filter(
        employee_id__in=list(by_id), chat_id__not_isnull=True, subscribed=True
    )
    sent = 0
    for identity in identities:
        employee = by_id[identity.employee_id]  # type: ignore[attr-defined]
        language = identity.language or employee.language
        if await notifier.notify(identity.channel, identity.chat_id, language, message, **params):
            sent += 1
    return sent


async def alert_request_staff(
    notifier: Notifier, request: QuoteRequest, message: str, **params: Any
) -> int:
    return await alert_staff(notifier, await request_staff(request), message, **params)


async def _request_params(request: QuoteRequest) -> dict[str, Any]:
    client = await Client.get(id=request.client_id)  # type: ignore[attr-defined]
    return {
        "client": client.name,
        "number": request.id,
        # Rendered in each recipient's language by the notifier.
        "route": lambda: route_summary(request),
    }


async def alert_new_order(notifier: Notifier, request: QuoteRequest, order: Order) -> int:
    params = await _request_params(request)
    params["number"] = order.number
    return await alert_request_staff(
        notifier,
        request,
        N_("New order {number} from {client}: {route}, {total}."),
        total=lambda: format_money(order.total, order.currency),
        **params,
    )
