"""Panel sessions, sign-in attempts and API keys: what lets a person or a system in."""

from tortoise import fields
from tortoise.models import Model

from core.models.staff import Role


class PanelSession(Model):
    """Server-side session: the cookie holds a random token, the table only its hash.

    Ending a row signs the browser out for good, whatever the cookie still says.
    """

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    employee: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Employee", related_name="sessions", null=True, on_delete=fields.CASCADE
    )
    csrf = fields.CharField(max_length=64)
    # Set between password and TOTP code: the session is not signed in yet.
    pending_employee_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_seen_at = fields.DatetimeField()
    ended_at = fields.DatetimeField(null=True)
    user_agent = fields.CharField(max_length=200, default="")

    class Meta:
        table = "panel_session"


class LoginAttempt(Model):
    """Every sign-in attempt, to slow down and cap guessing per account."""

    id = fields.IntField(primary_key=True)
    login = fields.CharField(max_length=100, db_index=True)
    succeeded = fields.BooleanField()
    remote = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "login_attempt"


class ApiKey(Model):
    """A key for the JSON API. Only a hash is kept, the prefix finds the row quickly."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    prefix = fields.CharField(max_length=16, unique=True)
    key_hash = fields.CharField(max_length=64)
    role = fields.CharEnumField(Role, max_length=20)
    created_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Employee", related_name="api_keys", null=True, on_delete=fields.SET_NULL
    )
    # A carrier's key: its system reports events on that carrier's shipments only.
    carrier: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Carrier", related_name="api_keys", null=True, on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_key"
        ordering = ("-created_at", "-id")
