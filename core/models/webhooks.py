"""Outgoing webhooks: where to send events, and every delivery and attempt, kept for the panel."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class DeliveryState(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class WebhookEndpoint(Model):
    id = fields.IntField(primary_key=True)
    url = fields.CharField(max_length=500)
    description = fields.CharField(max_length=200, default="")
    secret = fields.CharField(max_length=200)
    events = fields.JSONField(default=list)
    is_active = fields.BooleanField(default=True)
    created_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Employee", related_name="webhooks", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "webhook_endpoint"
        ordering = ("id",)


class WebhookDelivery(Model):
    """One event for one endpoint: written in the transaction that caused the event."""

    id = fields.IntField(primary_key=True)
    endpoint: fields.ForeignKeyRelation[WebhookEndpoint] = fields.ForeignKeyField(
        "models.WebhookEndpoint", related_name="deliveries", on_delete=fields.CASCADE
    )
    event = fields.CharField(max_length=60)
    event_id = fields.CharField(max_length=36, db_index=True)
    payload = fields.JSONField()
    state = fields.CharEnumField(DeliveryState, max_length=10, default=DeliveryState.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(null=True, db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "webhook_delivery"
        ordering = ("-created_at", "-id")


class WebhookAttempt(Model):
    id = fields.IntField(primary_key=True)
    delivery: fields.ForeignKeyRelation[WebhookDelivery] = fields.ForeignKeyField(
        "models.WebhookDelivery", related_name="attempt_log", on_delete=fields.CASCADE
    )
    status_code = fields.IntField(null=True)
    response_body = fields.TextField(default="")
    error = fields.CharField(max_length=300, default="")
    duration_ms = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "webhook_attempt"
        ordering = ("-created_at", "-id")
