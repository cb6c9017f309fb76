"""Managing webhook endpoints and their deliveries: what the panel's webhook pages call.

Every function checks MANAGE_INTEGRATIONS itself, and every change is written together with
its audit entry in one transaction. Secrets never reach the audit trail or the logs.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from tortoise.functions import Count
from tortoise.transactions import in_transaction

from core.errors import InvalidInput, NotFound
from core.i18n import N_
from core.models import DeliveryState, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from core.ports import Clock, SystemClock
from core.services import audit
from core.services.access import Actor, Permission, require
from core.services.webhooks.events import PING, event_keys, is_known
from core.services.webhooks.outbox import (
    after_commit,
    envelope,
    invalidate_endpoint_cache,
    wake_workers,
)

MAX_URL = 500
MAX_DESCRIPTION = 200
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
OBJECT_TYPE = "webhook_endpoint"


@dataclass(frozen=True, slots=True)
class EndpointSummary:
    """An endpoint with how many of its deliveries are in each state, for the list page."""

    endpoint: WebhookEndpoint
    pending: int = 0
    succeeded: int = 0
    failed: int = 0


@dataclass(frozen=True, slots=True)
class DeliveryPage:
    """Newest first. `last_attempts` maps a delivery id to its latest attempt, if any."""

    items: list[WebhookDelivery]
    next_cursor: int | None
    last_attempts: dict[int, WebhookAttempt] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DeliveryDetail:
    delivery: WebhookDelivery
    endpoint: WebhookEndpoint
    attempts: list[WebhookAttempt]  # newest first


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if len(url) > MAX_URL:
        raise InvalidInput("url", N_("The address is too long (at most 500 characters)."))
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in {"http", "https"}
        or not parts.hostname
        or any(ch.isspace() for ch in url)
    ):
        raise InvalidInput("url", N_("Enter an http:// or https:// address with a host name."))
    return url


def _clean_events(events: Iterable[str]) -> list[str]:
    chosen = {event.strip() for event in events or () if event and event.strip()}
    if not chosen:
        raise InvalidInput("events", N_("Choose at least one event."))
    for event in sorted(chosen):
        if not is_known(event):
            raise InvalidInput("events", N_("Unknown event: {event}."), event=event)
    return [key for key in event_keys() if key in chosen]


def _clean_description(description: str) -> str:
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise InvalidInput("description", N_("Keep the description under 200 characters."))
    return description


def _fields(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "url": endpoint.url,
        "events": list(endpoint.events or ()),
        "description": endpoint.description,
        "is_active": endpoint.is_active,
    }


async def create_endpoint(
    actor: Actor,
    url: str,
    events: Iterable[str],
    description: str = "",
    *,
    is_active: bool = True,
) -> WebhookEndpoint:
    """Register a URL for some events. The generated secret is on the returned endpoint."""
    require(actor, Permission.MANAGE_INTEGRATIONS)
    values = {
        "url": _clean_url(url),
        "events": _clean_events(events),
        "description": _clean_description(description),
        "is_active": bool(is_active),
    }
    async with in_transaction() as conn:
        endpoint = await WebhookEndpoint.create(
            **values,
            secret=secrets.token_urlsafe(32),
            created_by_id=actor.employee_id,
            using_db=conn,
        )
        await audit.record(
            actor, "webhook.created", OBJECT_TYPE, endpoint.id, values, connection=conn
        )
    invalidate_endpoint_cache()
    return endpoint


async def update_endpoint(
    actor: Actor,
    endpoint_id: int,
    *,
    url: str | None = None,
    events: Iterable[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> WebhookEndpoint:
    """Change what is given, leave the rest. Switching an endpoint off pauses its queue."""
    require(actor, Permission.MANAGE_INTEGRATIONS)
    wanted: dict[str, Any] = {}
    if url is not None:
        wanted["url"] = _clean_url(url)
    if events is not None:
        wanted["events"] = _clean_events(events)
    if description is not None:
        wanted["description"] = _clean_description(description)
    if is_active is not None:
        wanted["is_active"] = bool(is_active)
    async with in_transaction() as conn:
        endpoint = await _locked(endpoint_id, conn)
        before = _fields(endpoint)
        diff = audit.changes(before, {**before, **wanted})
        if not diff:
            return endpoint
        for name, value in wanted.items():
            setattr(endpoint, name, value)
        await endpoint.save(update_fields=list(wanted), using_db=conn)
        await audit.record(
            actor, "webhook.updated", OBJECT_TYPE, endpoint.id, {"changes": diff}, connection=conn
        )
    invalidate_endpoint_cache()
    return endpoint


async def delete_endpoint(actor: Actor, endpoint_id: int) -> None:
    """Remove the endpoint with its deliveries and their attempts (the audit entry stays)."""
    require(actor, Permission.MANAGE_INTEGRATIONS)
    async with in_transaction() as conn:
        endpoint = await _locked(endpoint_id, conn)
        details = _fields(endpoint)
        await endpoint.delete(using_db=conn)
        await audit.record(
            actor, "webhook.deleted", OBJECT_TYPE, endpoint_id, details, connection=conn
        )
    invalidate_endpoint_cache()


async def rotate_secret(actor: Actor, endpoint_id: int) -> WebhookEndpoint:
    """A new secret, effective at once: queued deliveries are signed with it when sent."""
    require(actor, Permission.MANAGE_INTEGRATIONS)
    async with in_transaction() as conn:
        endpoint = await _locked(endpoint_id, conn)
        endpoint.secret = secrets.token_urlsafe(32)
        await endpoint.save(update_fields=["secret"], using_db=conn)
        await audit.record(
            actor, "webhook.secret_rotated", OBJECT_TYPE, endpoint.id, {}, connection=conn
        )
    return endpoint


async def get_endpoint(actor: Actor, endpoint_id: int) -> WebhookEndpoint:
    require(actor, Permission.MANAGE_INTEGRATIONS)
    endpoint = await WebhookEndpoint.get_or_none(id=endpoint_id)
    if endpoint is None:
        raise NotFound()
    return endpoint


async def list_endpoints(actor: Actor) -> list[EndpointSummary]:
    """Every endpoint, oldest first, with delivery counts per state (two queries in all)."""
    require(actor, Permission.MANAGE_INTEGRATIONS)
    endpoints = await WebhookEndpoint.all().order_by("id")
    counts: dict[int, dict[str, int]] = {}
    rows = (
        await WebhookDelivery.all()
        .annotate(n=Count("id"))
        .group_by("endpoint_id", "state")
        .values("endpoint_id", "state", "n")
    )
    for row in rows:
        counts.setdefault(row["endpoint_id"], {})[str(row["state"])] = row["n"]
    return [
        EndpointSummary(
            endpoint,
            pending=counts.get(endpoint.id, {}).get(DeliveryState.PENDING.value, 0),
            succeeded=counts.get(endpoint.id, {}).get(DeliveryState.SUCCEEDED.value, 0),
            failed=counts.get(endpoint.id, {}).get(DeliveryState.FAILED.value, 0),
        )
        for endpoint in endpoints
    ]


async def list_deliveries(
    actor: Actor,
    endpoint_id: int | None = None,
    *,
    state: DeliveryState | str | None = None,
    cursor: int | None = None,
    limit: int = PAGE_SIZE,
) -> DeliveryPage:
    """Deliveries newest first (by id), for one endpoint or all; `cursor` is the last id seen.

    Runs three queries whatever the page size: the page, and the latest attempt of each row.
    """
    require(actor, Permission.MANAGE_INTEGRATIONS)
    limit = max(1, min(int(limit), MAX_PAGE_SIZE))
    query = WebhookDelivery.all().select_related("endpoint")
    if endpoint_id is not None:
        query = query.filter(endpoint_id=endpoint_id)
    if state:
        try:
            query = query.filter(state=DeliveryState(state))
        except ValueError:
            raise InvalidInput("state", N_("Choose a delivery state from the list.")) from None
    if cursor is not None:
        query = query.filter(id__lt=cursor)
    rows = await query.order_by("-id").limit(limit + 1)
    items = rows[:limit]
    next_cursor = items[-1].id if len(rows) > limit else None
    last: dict[int, WebhookAttempt] = {}
    if items:
        for attempt in await WebhookAttempt.filter(delivery_id__in=[d.id for d in items]).order_by(
            "id"
        ):
            last[attempt.delivery_id] = attempt  # type: ignore[attr-defined]
    return DeliveryPage(items, next_cursor, last)


async def delivery_detail(actor: Actor, delivery_id: int) -> DeliveryDetail:
    """One delivery: its payload, state and every attempt with the receiver's answer."""
    require(actor, Permission.MANAGE_INTEGRATIONS)
    delivery = await WebhookDelivery.get_or_none(id=delivery_id).select_related("endpoint")
    if delivery is None:
        raise NotFound()
    attempts = await WebhookAttempt.filter(delivery_id=delivery_id).order_by("-id")
    return DeliveryDetail(delivery, delivery.endpoint, list(attempts))


async def resend(actor: Actor, delivery_id: int, *, clock: Clock | None = None) -> WebhookDelivery:
    """Queue a finished delivery again, due now, with the same event id and payload.

    Its attempt history is kept; its attempt counter and its 24-hour retry window start
    again from now (`created_at` becomes the time of the resend). A delivery still pending
    is already queued and is refused.
    """
    require(actor, Permission.MANAGE_INTEGRATIONS)
    now = (clock or SystemClock()).now()
    async with in_transaction() as conn:
        delivery = (
            await WebhookDelivery.filter(id=delivery_id)
            .using_db(conn)
            .select_for_update()
            .get_or_none()
        )
        if delivery is None:
            raise NotFound()
        if delivery.state == DeliveryState.PENDING:
            raise InvalidInput("delivery", N_("This delivery is already queued."))
        previous = delivery.state
        delivery.state = DeliveryState.PENDING
        delivery.attempts = 0
        delivery.next_attempt_at = now
        delivery.created_at = now
        await (
            WebhookDelivery.filter(id=delivery.id)
            .using_db(conn)
            .update(state=delivery.state, attempts=0, next_attempt_at=now, created_at=now)
        )
        await audit.record(
            actor,
            "webhook.resent",
            "webhook_delivery",
            delivery.id,
            {"event": delivery.event, "event_id": delivery.event_id, "was": previous},
            connection=conn,
        )
        after_commit(conn, wake_workers)
    return delivery


async def send_test_event(actor: Actor, endpoint_id: int) -> WebhookDelivery:
    """Queue a `ping` event for this endpoint, so an integrator can check their receiver."""
    require(actor, Permission.MANAGE_INTEGRATIONS)
    now = dt.datetime.now(dt.UTC)
    async with in_transaction() as conn:
        endpoint = await _locked(endpoint_id, conn)
        if not endpoint.is_active:
            raise InvalidInput(
                "endpoint", N_("Switch the endpoint on before sending it a test event.")
            )
        body = envelope(
            PING,
            {"endpoint_id": endpoint.id, "message": "This is a test event from Ona."},
            now,
        )
        delivery = await WebhookDelivery.create(
            endpoint_id=endpoint.id,
            event=PING,
            event_id=body["id"],
            payload=body,
            state=DeliveryState.PENDING,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
            using_db=conn,
        )
        await audit.record(
            actor,
            "webhook.test_sent",
            OBJECT_TYPE,
            endpoint.id,
            {"event_id": body["id"]},
            connection=conn,
        )
        after_commit(conn, wake_workers)
    return delivery


async def _locked(endpoint_id: int, conn: Any) -> WebhookEndpoint:
    endpoint = (
        await WebhookEndpoint.filter(id=endpoint_id)
        .using_db(conn)
        .select_for_update()
        .get_or_none()
    )
    if endpoint is None:
        raise NotFound()
    return endpoint
