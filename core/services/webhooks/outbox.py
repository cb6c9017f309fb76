"""The transactional outbox: an event becomes delivery rows in the transaction that caused it.

So an event is delivered if and only if what it describes was committed. `emit` runs on the
bot's hot path (every logged interaction), so it asks the database nothing unless some active
endpoint may want the event: the active endpoints per event are cached in the process,
dropped by the endpoint services on every change here and reloaded at most every
`CACHE_TTL` seconds, which is how changes made by another process arrive.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
import uuid
from collections.abc import Callable, Iterable
from decimal import Decimal
from enum import Enum
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient

from core.models import DeliveryState, WebhookDelivery, WebhookEndpoint
from core.services.webhooks.events import is_known

log = logging.getLogger(__name__)

CACHE_TTL = 30.0


class _EndpointCache:
    """event -> ids of active endpoints subscribed to it, for this process."""

    def __init__(self) -> None:
        self._by_event: dict[str, tuple[int, ...]] = {}
        self._loaded_at = -math.inf
        self._generation = 0

    def invalidate(self) -> None:
        self._generation += 1
        self._loaded_at = -math.inf

    async def endpoint_ids(self, event: str, connection: BaseDBAsyncClient) -> tuple[int, ...]:
        if time.monotonic() - self._loaded_at > CACHE_TTL:
            await self._load(connection)
        return self._by_event.get(event, ())

    async def any_active(self, connection: BaseDBAsyncClient) -> bool:
        if time.monotonic() - self._loaded_at > CACHE_TTL:
            await self._load(connection)
        return bool(self._by_event)

    async def _load(self, connection: BaseDBAsyncClient) -> None:
        generation = self._generation
        rows = (
            await WebhookEndpoint.filter(is_active=True)
            .using_db(connection)
            .values_list("id", "events")
        )
        by_event: dict[str, list[int]] = {}
        for endpoint_id, events in rows:
            for event in events or ():
                by_event.setdefault(event, []).append(endpoint_id)
        self._by_event = {event: tuple(ids) for event, ids in by_event.items()}
        # A change committed while we were reading must not be hidden for a whole TTL.
        if generation == self._generation:
            self._loaded_at = time.monotonic()


_cache = _EndpointCache()
_wakers: set[Callable[[], None]] = set()


def invalidate_endpoint_cache() -> None:
    """Called by the endpoint services after every committed change."""
    _cache.invalidate()


def add_waker(waker: Callable[[], None]) -> None:
    """A delivery worker in this process asks to be woken when new deliveries commit."""
    _wakers.add(waker)


def remove_waker(waker: Callable[[], None]) -> None:
    _wakers.discard(waker)


def wake_workers() -> None:
    for waker in list(_wakers):
        waker()


def after_commit(connection: BaseDBAsyncClient, callback: Callable[[], None]) -> None:
    """Run `callback` once `connection`'s transaction has committed; at once outside one.

    Tortoise has no on-commit hook (tortoise/tortoise-orm#1317), so the transaction object's
    `commit` is wrapped for this one transaction. Nothing depends on the callback for
    correctness: it only makes the worker start now instead of at its next poll, and a
    callback that runs too early (a savepoint released inside a longer transaction) or not
    at all (a rollback, a savepoint on SQLite) costs at most one poll interval.
    """
    if not isinstance(connection, TransactionalDBClient) or connection._finalized:
        callback()
        return
    callbacks: list[Callable[[], None]] | None = getattr(connection, "_ona_after_commit", None)
    if callbacks is None:
        callbacks = []
        commit = connection.commit

        async def commit_then_notify() -> None:
            await commit()
            for pending in callbacks:
                pending()

        connection.commit = commit_then_notify  # type: ignore[method-assign]
        connection._ona_after_commit = callbacks  # type: ignore[attr-defined]
    if callback not in callbacks:
        callbacks.append(callback)


def iso_utc(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def jsonable(value: Any) -> Any:
    """The payload as plain JSON: money as a decimal string, times as ISO 8601 UTC."""
    if isinstance(value, Enum):
        return jsonable(value.value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return iso_utc(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(item) for item in value]
    raise TypeError(f"{type(value).__name__} is not allowed in a webhook payload")


def envelope(event: str, data: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "event": event,
        "created_at": iso_utc(now),
        "data": jsonable(data),
    }


async def has_subscribers(event: str, *, connection: BaseDBAsyncClient | None = None) -> bool:
    """Whether some active endpoint may want `event` (no query while the cache is fresh).

    Lets a caller that writes without a transaction open one only when an event will be
    queued with its write.
    """
    db = connection or connections.get("default")
    return bool(await _cache.endpoint_ids(event, db))


async def any_active_endpoint() -> bool:
    """Whether any endpoint is switched on; lets an idle worker skip its poll query."""
    return await _cache.any_active(connections.get("default"))


async def emit(
    event: str, data: dict[str, Any], *, connection: BaseDBAsyncClient | None = None
) -> str | None:
    """Queue `event` for every active endpoint subscribed to it, in the caller's transaction.

    Pass the caller's transaction as `connection` (without it, the task's current one is
    used). Returns the event id, or None when nobody is subscribed — which costs no query
    while the endpoint cache is fresh.
    """
    if not is_known(event):
        raise ValueError(f"unknown webhook event {event!r}: register_event() it first")
    db = connection or connections.get("default")
    candidates = await _cache.endpoint_ids(event, db)
    if not candidates:
        return None
    # The cache may be up to CACHE_TTL old for changes made by other processes: only rows
    # that still exist and still want the event get a delivery.
    rows = (
        await WebhookEndpoint.filter(id__in=candidates, is_active=True)
        .using_db(db)
        .values_list("id", "events")
    )
    targets = [endpoint_id for endpoint_id, events in rows if event in (events or ())]
    if not targets:
        return None
    now = dt.datetime.now(dt.UTC)
    body = envelope(event, data, now)
    await queue_deliveries(db, targets, event, body, now)
    return body["id"]


async def queue_deliveries(
    db: BaseDBAsyncClient,
    endpoint_ids: Iterable[int],
    event: str,
    body: dict[str, Any],
    now: dt.datetime,
) -> None:
    """Write one pending delivery per endpoint, due now, and wake the worker after commit."""
    await WebhookDelivery.bulk_create(
        [
            WebhookDelivery(
                endpoint_id=endpoint_id,
                event=event,
                event_id=body["id"],
                payload=body,
                state=DeliveryState.PENDING,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
            for endpoint_id in endpoint_ids
        ],
        using_db=db,
    )
    after_commit(db, wake_workers)
