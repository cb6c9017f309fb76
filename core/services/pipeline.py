"""The one state machine of a request: new → quoted → ordered → in transit → delivered.

Refused and expired are on the side. The bot, the pipeline board and the API all move a
request through `move`, so a card dragged on the board passes the same checks as a tap in
the bot. Moves that need more than a state (an order needs an accepted option, a quote
needs its options) are made by their own use case in quote_requests.py, which calls
`move` inside its transaction.
"""

from __future__ import annotations

import datetime as dt

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from core.errors import InvalidInput, NotFound
from core.i18n import N_
from core.models import Order, QuoteRequest, RequestState
from core.services import audit
from core.services.access import Actor
from core.services.webhooks.events import REQUEST_MOVED, request_data
from core.services.webhooks.outbox import emit

S = RequestState

TRANSITIONS: dict[RequestState, frozenset[RequestState]] = {
    S.NEW: frozenset({S.QUOTED, S.REFUSED, S.EXPIRED}),
    S.QUOTED: frozenset({S.QUOTED, S.ORDERED, S.REFUSED, S.EXPIRED}),
    S.ORDERED: frozenset({S.IN_TRANSIT, S.REFUSED}),
    S.IN_TRANSIT: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset(),
    # A refused or expired request can be taken up again; it starts over as new.
    S.REFUSED: frozenset({S.NEW}),
    S.EXPIRED: frozenset({S.NEW}),
}

# The board's columns, left to right, and the labels every surface shows for a state.
STATE_LABELS: dict[RequestState, str] = {
    S.NEW: N_("Requests"),
    S.QUOTED: N_("Quoted"),
    S.ORDERED: N_("Ordered"),
    S.IN_TRANSIT: N_("In transit"),
    S.DELIVERED: N_("Delivered"),
    S.REFUSED: N_("Refused"),
    S.EXPIRED: N_("Expired"),
}

# What only a use case may do, because the state alone is not enough.
_NEEDS_USE_CASE: dict[RequestState, str] = {
    S.QUOTED: N_("A request becomes quoted when a quote is sent for it."),
    S.ORDERED: N_("A request becomes an order when the client accepts an option of its quote."),
}


def allowed(source: RequestState, target: RequestState) -> bool:
    return target in TRANSITIONS[source]


def check_move(source: RequestState, target: RequestState, *, by_use_case: bool) -> None:
    """Raise InvalidInput("state", ...) with the reason a move is not allowed."""
    if not allowed(source, target):
        raise InvalidInput("state", N_("A request cannot go from this stage to that one."))
    if not by_use_case and target in _NEEDS_USE_CASE:
        raise InvalidInput("state", _NEEDS_USE_CASE[target])


async def move(
    request_id: int,
    target: RequestState,
    actor: Actor | None,
    *,
    connection: BaseDBAsyncClient | None = None,
    by_use_case: bool = False,
    now: dt.datetime | None = None,
) -> QuoteRequest:
    """Move one request, locked for the move, with its audit entry and webhook event.

    Call it inside the use case's transaction (`connection`); without one it opens its own.
    """
    if connection is None:
        async with in_transaction() as conn:
            return await move(
                request_id, target, actor, connection=conn, by_use_case=by_use_case, now=now
            )
    request = (
        await QuoteRequest.filter(id=request_id).using_db(connection).select_for_update().first()
    )
    if request is None:
        raise NotFound()
    source = RequestState(request.state)
    check_move(source, target, by_use_case=by_use_case)
    now = now or dt.datetime.now(dt.UTC)
    order = await Order.filter(request_id=request.id).using_db(connection).first()
    if order is not None and target is S.NEW:
        raise InvalidInput(
            "state", N_("An ordered request cannot start over: make a new request instead.")
        )
    if order is not None and target is S.REFUSED:
        order.cancelled_at = now  # the client called it off after ordering
        await order.save(update_fields=["cancelled_at"], using_db=connection)
    request.state = target
    request.state_changed_at = now
    fields = ["state", "state_changed_at"]
    if target is S.NEW:
        request.refusal_reason = None
        request.refusal_note = ""
        fields += ["refusal_reason", "refusal_note"]
    await request.save(update_fields=fields, using_db=connection)
    if source is not target:
        await audit.record(
            actor,
            "request.moved",
            "quote_request",
            request.id,
            {"state": [source.value, target.value]},
            connection=connection,
        )
        await emit(REQUEST_MOVED, request_data(request), connection=connection)
    return request
