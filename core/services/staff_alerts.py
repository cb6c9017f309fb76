"""Telling the right staff about a request: its manager, or the heads of sales if it has none.

Staff are reached in the messenger they linked (Telegram, Viber or web chat), in their own
language. Issue 5 adds the shared queue with Take / Pass; until then the heads of sales
stand in for it.
"""

from __future__ import annotations

from typing import Any

from core.models import ChannelIdentity, Employee, QuoteRequest, Role
from core.ports import Notifier


async def request_staff(request: QuoteRequest) -> list[Employee]:
    manager_id = request.manager_id  # type: ignore[attr-defined]
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
