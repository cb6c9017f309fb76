"""Shipments: an order on its way. Each leg has its carrier, each move is an event.

Events are append-only: the shipment's status, current leg and ETA are a summary of its
events kept on the row for lists and filters, and the reports read the events themselves
(on-time per carrier, damage, proof of delivery).
"""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class ShipmentStatus(StrEnum):
    BOOKED = "booked"
    PICKED_UP = "picked_up"
    IN_TRANSIT = "in_transit"
    AT_TERMINAL = "at_terminal"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    # Exceptions: a shipment can be delayed and go on, the others end or need a person.
    DELAYED = "delayed"
    DAMAGED = "damaged"
    LOST = "lost"
    RETURNED = "returned"


class EventSource(StrEnum):
    STAFF = "staff"
    CARRIER = "carrier"
    API = "api"
    IMPORT = "import"
    SYSTEM = "system"


class Shipment(Model):
    """One per order, with the order number, so the client quotes one number for both."""

    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=20, unique=True)
    order: fields.OneToOneRelation = fields.OneToOneField(
        "models.Order", related_name="shipment", on_delete=fields.CASCADE
    )
    client: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Client", related_name="shipments", on_delete=fields.CASCADE
    )
    manager: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Employee", related_name="shipments", null=True, on_delete=fields.SET_NULL
    )
    status = fields.CharEnumField(ShipmentStatus, max_length=20, default=ShipmentStatus.BOOKED)
    # The leg the cargo is on (0-based), moved by in-transit and at-terminal events.
    current_leg = fields.IntField(default=0)
    # The arrival promised in the quote, and the one expected now (moved by late events).
    promised_at = fields.DatetimeField()
    eta = fields.DatetimeField()
    last_event_at = fields.DatetimeField(null=True)
    delivered_at = fields.DatetimeField(null=True)
    # Delivered with no photo of the signed delivery note: allowed, flagged for the reports.
    missing_proof = fields.BooleanField(default=False)
    late_alerted_at = fields.DatetimeField(null=True)
    # The public tracking page /t/<token>: unguessable, and it can expire.
    tracking_token = fields.CharField(max_length=64, unique=True)
    tracking_expires_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "shipment"
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return self.number


class ShipmentLeg(Model):
    """A leg of the frozen route. A dispatcher can change its carrier."""

    id = fields.IntField(primary_key=True)
    shipment: fields.ForeignKeyRelation[Shipment] = fields.ForeignKeyField(
        "models.Shipment", related_name="legs", on_delete=fields.CASCADE
    )
    position = fields.IntField()
    mode = fields.CharField(max_length=10)
    origin = fields.CharField(max_length=200)
    destination = fields.CharField(max_length=200)
    origin_location: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Location", related_name="shipment_legs_from", null=True, on_delete=fields.SET_NULL
    )
    destination_location: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Location", related_name="shipment_legs_to", null=True, on_delete=fields.SET_NULL
    )
    lane: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Lane", related_name="shipment_legs", null=True, on_delete=fields.SET_NULL
    )
    carrier: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Carrier", related_name="shipment_legs", null=True, on_delete=fields.SET_NULL
    )
    departs_at = fields.DatetimeField()
    arrives_at = fields.DatetimeField()
    # The leg's price to the client and cost from the carrier, as quoted (for the reports).
    price = fields.DecimalField(max_digits=14, decimal_places=2, null=True)
    cost = fields.DecimalField(max_digits=14, decimal_places=2, null=True)

    class Meta:
        table = "shipment_leg"
        ordering = ("position",)
        unique_together = (("shipment", "position"),)


class ShipmentEvent(Model):
    """Append-only. The idempotency key makes a retried report from a carrier system land once."""

    id = fields.IntField(primary_key=True)
    shipment: fields.ForeignKeyRelation[Shipment] = fields.ForeignKeyField(
        "models.Shipment", related_name="events", on_delete=fields.CASCADE
    )
    leg = fields.IntField(null=True)
    status = fields.CharEnumField(ShipmentStatus, max_length=20)
    note = fields.TextField(default="")
    place = fields.CharField(max_length=200, default="")
    occurred_at = fields.DatetimeField(db_index=True)
    recorded_at = fields.DatetimeField(auto_now_add=True)
    source = fields.CharEnumField(EventSource, max_length=10)
    employee: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Employee", related_name="shipment_events", null=True, on_delete=fields.SET_NULL
    )
    carrier: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Carrier", related_name="shipment_events", null=True, on_delete=fields.SET_NULL
    )
    # A manager let an out-of-order move through, with the reason in the note.
    overridden = fields.BooleanField(default=False)
    # How far behind the plan the cargo was when this event was reported, in minutes.
    late_minutes = fields.IntField(default=0)
    idempotency_key = fields.CharField(max_length=100, null=True, unique=True)

    class Meta:
        table = "shipment_event"
        ordering = ("occurred_at", "id")


class DocumentKind(StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"
    PROOF = "proof"


class ShipmentDocument(Model):
    """A photo or file attached to a shipment. The bytes live in the media store under key."""

    id = fields.IntField(primary_key=True)
    shipment: fields.ForeignKeyRelation[Shipment] = fields.ForeignKeyField(
        "models.Shipment", related_name="documents", on_delete=fields.CASCADE
    )
    event: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.ShipmentEvent", related_name="documents", null=True, on_delete=fields.SET_NULL
    )
    kind = fields.CharEnumField(DocumentKind, max_length=10)
    key = fields.CharField(max_length=200, unique=True)
    content_type = fields.CharField(max_length=100)
    size = fields.IntField()
    name = fields.CharField(max_length=200, default="")
    recipient_name = fields.CharField(max_length=200, default="")
    employee: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Employee", related_name="shipment_documents", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "shipment_document"
        ordering = ("created_at", "id")


class NotificationState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"


class ShipmentNotice(Model):
    """A client notification about an event, held until `due_at` (quiet hours) and sent once."""

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[ShipmentEvent] = fields.ForeignKeyField(
        "models.ShipmentEvent", related_name="notices", on_delete=fields.CASCADE
    )
    identity: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.ChannelIdentity", related_name="shipment_notices", on_delete=fields.CASCADE
    )
    state = fields.CharEnumField(
        NotificationState, max_length=10, default=NotificationState.PENDING
    )
    due_at = fields.DatetimeField(db_index=True)
    sent_at = fields.DatetimeField(null=True)
    reason = fields.CharField(max_length=200, default="")
    # Sends tried so far: a channel that failed is tried again later, a few times.
    attempts = fields.IntField(default=0)

    class Meta:
        table = "shipment_notice"
        unique_together = (("event", "identity"),)
