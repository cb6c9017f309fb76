"""The client's dossier: an append-only log of every contact with the company."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from core.models.channels import Channel


class InteractionKind(StrEnum):
    MESSAGE = "message"
    CALL = "call"
    MEETING = "meeting"
    EMAIL = "email"
    SYSTEM = "system"


class Interaction(Model):
    """`subject` is a stable key the panel translates, `summary` what was said or chosen."""

    id = fields.IntField(primary_key=True)
    client: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Client", related_name="interactions", null=True, on_delete=fields.CASCADE
    )
    identity: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.ChannelIdentity", related_name="interactions", null=True, on_delete=fields.SET_NULL
    )
    employee: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Employee", related_name="interactions", null=True, on_delete=fields.SET_NULL
    )
    channel = fields.CharEnumField(Channel, max_length=10, null=True)
    kind = fields.CharEnumField(InteractionKind, max_length=10, default=InteractionKind.MESSAGE)
    subject = fields.CharField(max_length=60)
    summary = fields.TextField(default="")
    # A manager's private note: only its author, their head of sales and management see it.
    is_private = fields.BooleanField(default=False)
    # A voice note or file sent with the summary, kept as the messenger's file reference.
    attachment_kind = fields.CharField(max_length=20, null=True)
    attachment_ref = fields.CharField(max_length=300, null=True)
    relay: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.RelaySession", related_name="messages", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "interaction"
        ordering = ("-created_at", "-id")
