"""Outgoing webhooks: the event catalog, the outbox, endpoint management and delivery.

- `events`: `register_event`, `event_choices`, the payload builders of the events we send.
- `outbox`: `emit(event, data, connection=conn)`, called inside the causing transaction.
- `endpoints`: what the panel calls (create, update, delete, rotate the secret, list
  deliveries, see one with its attempts, resend, send a test event).
- `delivery`: `WebhookSender`, the worker main.py runs in processes that run jobs.
- `signing`: the `Ona-Signature` receivers verify.

See docs/webhooks.md for the contract integrators rely on.
"""

from core.services.webhooks.delivery import WebhookSender, retry_ceiling
from core.services.webhooks.endpoints import (
    DeliveryDetail,
    DeliveryPage,
    EndpointSummary,
    create_endpoint,
    delete_endpoint,
    delivery_detail,
    get_endpoint,
    list_deliveries,
    list_endpoints,
    resend,
    rotate_secret,
    send_test_event,
    update_endpoint,
)
from core.services.webhooks.events import (
    CLIENT_CREATED,
    CONSENT_CHANGED,
    INTERACTION_LOGGED,
    PING,
    PLAN_CREATED,
    QUOTE_ACCEPTED,
    REQUEST_CREATED,
    REQUEST_MOVED,
    SHIPMENT_LATE,
    SHIPMENT_MOVED,
    TASK_CREATED,
    TASK_DONE,
    TASK_RATED,
    client_data,
    consent_data,
    event_choices,
    event_keys,
    event_label,
    interaction_data,
    is_known,
    register_event,
)
from core.services.webhooks.outbox import emit, has_subscribers, invalidate_endpoint_cache
from core.services.webhooks.signing import signature

__all__ = [
    "CLIENT_CREATED",
    "CONSENT_CHANGED",
    "INTERACTION_LOGGED",
    "PING",
    "PLAN_CREATED",
    "QUOTE_ACCEPTED",
    "REQUEST_CREATED",
    "REQUEST_MOVED",
    "SHIPMENT_LATE",
    "SHIPMENT_MOVED",
    "TASK_CREATED",
    "TASK_DONE",
    "TASK_RATED",
    "DeliveryDetail",
    "DeliveryPage",
    "EndpointSummary",
    "WebhookSender",
    "client_data",
    "consent_data",
    "create_endpoint",
    "delete_endpoint",
    "delivery_detail",
    "emit",
    "event_choices",
    "event_keys",
    "event_label",
    "get_endpoint",
    "has_subscribers",
    "interaction_data",
    "invalidate_endpoint_cache",
    "is_known",
    "list_deliveries",
    "list_endpoints",
    "register_event",
    "resend",
    "retry_ceiling",
    "rotate_secret",
    "send_test_event",
    "signature",
    "update_endpoint",
]
