"""What staff did, and to what: append-only."""

from tortoise import fields
from tortoise.models import Model


class AuditLog(Model):
    id = fields.IntField(primary_key=True)
    employee: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Employee", related_name="audit_entries", null=True, on_delete=fields.SET_NULL
    )
    actor_label = fields.CharField(max_length=200)
    action = fields.CharField(max_length=60)
    object_type = fields.CharField(max_length=60)
    object_id = fields.CharField(max_length=60, null=True)
    details = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "audit_log"
        ordering = ("-created_at", "-id")
