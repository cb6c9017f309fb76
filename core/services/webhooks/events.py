"""The event catalog: what an integrator can subscribe to, and the data each event carries.

A capability adds its event in one line next to the code that causes it:

    QUOTE_ACCEPTED = register_event("quote.accepted", N_("Quote accepted"))

and calls `emit(QUOTE_ACCEPTED, {...}, connection=conn)` inside its transaction. The key is
part of the public contract (receivers switch on it): never rename one, add a new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.i18n import N_, gettext
from core.models import Client, Consent, Interaction, Order, QuoteRequest

# Sent by "Send test event" in the panel; not in the catalog, so nobody subscribes to it.
PING = "ping"


@dataclass(frozen=True, slots=True)
class EventType:
    key: str
    label: str  # a message id, translated when shown


_CATALOG: dict[str, EventType] = {}


def register_event(key: str, label: str) -> str:
    """Add an event to the catalog and return its key. Registering a key twice is a bug."""
    if key in _CATALOG or key == PING:
        raise ValueError(f"webhook event {key!r} is already registered")
    _CATALOG[key] = EventType(key, label)
    return key


def is_known(key: str) -> bool:
    return key in _CATALOG


def event_keys() -> list[str]:
    """Every registered key, in registration order (the order the panel lists them)."""
    return list(_CATALOG)


def event_choices() -> list[tuple[str, str]]:
    """(key, label in the active language) for the panel's checkboxes."""
    return [(event.key, gettext(event.label)) for event in _CATALOG.values()]


def event_label(key: str) -> str:
    """The event's name in the active language; unknown keys (ping, removed events) as is."""
    event = _CATALOG.get(key)
    return gettext(event.label) if event else key


CLIENT_CREATED = register_event("client.created", N_("Client created"))
CONSENT_CHANGED = register_event("consent.changed", N_("Consent changed"))
INTERACTION_LOGGED = register_event("interaction.logged", N_("Interaction logged"))


def client_data(client: Client) -> dict[str, Any]:
    return {
        "id": client.id,
        "name": client.name,
        "kind": client.kind,
        "phone": client.phone,
        "email": client.email,
        "city": client.city,
        "language": client.language,
        "source": client.source,
        "manager_id": client.manager_id,  # type: ignore[attr-defined]
        "created_at": client.created_at,
    }


def consent_data(entry: Consent) -> dict[str, Any]:
    return {
        "client_id": entry.client_id,  # type: ignore[attr-defined]
        "channel": entry.channel,
        "purpose": entry.purpose,
        "granted": entry.granted,
        "evidence": entry.evidence,
        "text_version": entry.text_version,
        "at": entry.created_at,
    }


def interaction_data(entry: Interaction) -> dict[str, Any]:
    return {
        "id": entry.id,
        "client_id": entry.client_id,  # type: ignore[attr-defined]
        "channel": entry.channel,
        "kind": entry.kind,
        "subject": entry.subject,
        "summary": entry.summary,
        "private": entry.is_private,
        "employee_id": entry.employee_id,  # type: ignore[attr-defined]
        "created_at": entry.created_at,
    }


REQUEST_CREATED = register_event("request.created", N_("Quote request created"))
QUOTE_ACCEPTED = register_event("quote.accepted", N_("Quote accepted"))
REQUEST_MOVED = register_event("request.moved", N_("Request moved in the pipeline"))
PLAN_CREATED = register_event("plan.created", N_("Plan set"))
TASK_CREATED = register_event("task.created", N_("Task set"))
TASK_DONE = register_event("task.done", N_("Task done"))
TASK_RATED = register_event("task.rated", N_("Task quality marked"))
SHIPMENT_MOVED = register_event("shipment.moved", N_("Shipment event recorded"))
SHIPMENT_LATE = register_event("shipment.late", N_("Shipment running late"))
CAMPAIGN_STARTED = register_event("campaign.started", N_("Mailing campaign started"))
CAMPAIGN_FINISHED = register_event("campaign.finished", N_("Mailing campaign finished"))


def request_data(request: QuoteRequest) -> dict[str, Any]:
    return {
        "id": request.id,
        "client_id": request.client_id,  # type: ignore[attr-defined]
        "manager_id": request.manager_id,  # type: ignore[attr-defined]
        "channel": request.channel,
        "state": request.state,
        "origin_id": request.origin_id,  # type: ignore[attr-defined]
        "destination_id": request.destination_id,  # type: ignore[attr-defined]
        "origin_text": request.origin_text,
        "destination_text": request.destination_text,
        "cargo_type": request.cargo_type,
        "weight_kg": request.weight_kg,
        "volume_m3": request.volume_m3,
        "pieces": request.pieces,
        "ready_on": request.ready_on,
        "priority": request.priority,
        "needs_manager": request.needs_manager,
        "created_at": request.created_at,
    }


def order_data(order: Order) -> dict[str, Any]:
    return {
        "id": order.id,
        "number": order.number,
        "request_id": order.request_id,  # type: ignore[attr-defined]
        "quote_id": order.quote_id,  # type: ignore[attr-defined]
        "client_id": order.client_id,  # type: ignore[attr-defined]
        "manager_id": order.manager_id,  # type: ignore[attr-defined]
        "currency": order.currency,
        "price": order.price,
        "vat": order.vat,
        "total": order.total,
        "option": order.option,
        "cancelled_at": order.cancelled_at,
        "created_at": order.created_at,
    }
