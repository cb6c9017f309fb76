"""The managers' workspace: plans and tasks set by management, live chats with clients,
the company's contact subjects and canned replies, and the reminders sent to staff.

Everything here records who did what and when, so the reports can count it in SQL:
tasks planned, done and late, quality marks, time to answer a client in a live chat.
"""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from core.models.channels import Channel


class TaskKind(StrEnum):
    CALL = "call"
    MEETING = "meeting"
    OFFER = "offer"
    PAYMENT = "payment"
    OTHER = "other"


class Plan(Model):
    """A list of tasks management sets for one manager over a period, maybe about one client."""

    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=200)
    employee: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Employee", related_name="plans", on_delete=fields.CASCADE
    )
    client: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Client", related_name="plans", null=True, on_delete=fields.SET_NULL
    )
    starts_on = fields.DateField()
    ends_on = fields.DateField()
    created_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Employee", related_name="plans_set", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "plan"
        ordering = ("-starts_on", "-id")


class Task(Model):
    """One thing to do by a due time. `late` is fixed when it is done, for the reports."""

    id = fields.IntField(primary_key=True)
    plan: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Plan", related_name="tasks", null=True, on_delete=fields.CASCADE
    )
    employee: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Employee", related_name="tasks", on_delete=fields.CASCADE
    )
    client: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Client", related_name="tasks", null=True, on_delete=fields.SET_NULL
    )
    kind = fields.CharEnumField(TaskKind, max_length=10, default=TaskKind.CALL)
    title = fields.CharField(max_length=200)
    due_at = fields.DatetimeField(db_index=True)
    created_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Employee", related_name="tasks_set", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    done_at = fields.DatetimeField(null=True)
    result = fields.TextField(default="")
    late = fields.BooleanField(default=False)
    quality = fields.IntField(null=True)
    quality_comment = fields.TextField(default="")
    rated_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Employee", related_name="tasks_rated", null=True, on_delete=fields.SET_NULL
    )
    rated_at = fields.DatetimeField(null=True)

    class Meta:
        table = "task"
        ordering = ("due_at", "id")


class RelayState(StrEnum):
    WAITING = "waiting"
    ACTIVE = "active"
    CLOSED = "closed"


class RelaySession(Model):
    """A live chat between a client and a manager through the bot.

    `waiting_since` is the time of the oldest client message no one has answered yet:
    the response-time alert reads it, and `alerted_at` keeps it from firing twice.
    """

    id = fields.IntField(primary_key=True)
    client: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Client", related_name="relays", on_delete=fields.CASCADE
    )
    identity: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.ChannelIdentity", related_name="relays", on_delete=fields.CASCADE
    )
    channel = fields.CharEnumField(Channel, max_length=10)
    manager: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Employee", related_name="relays", null=True, on_delete=fields.SET_NULL
    )
    request: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.QuoteRequest", related_name="relays", null=True, on_delete=fields.SET_NULL
    )
    state = fields.CharEnumField(RelayState, max_length=10, default=RelayState.WAITING)
    started_at = fields.DatetimeField(auto_now_add=True)
    taken_at = fields.DatetimeField(null=True)
    first_reply_at = fields.DatetimeField(null=True)
    waiting_since = fields.DatetimeField(null=True, db_index=True)
    alerted_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    closed_by = fields.CharField(max_length=10, null=True)

    class Meta:
        table = "relay_session"


class CannedReply(Model):
    """A ready answer a manager sends with one tap in a live chat, per language."""

    id = fields.IntField(primary_key=True)
    language = fields.CharField(max_length=5, db_index=True)
    text = fields.CharField(max_length=500)
    position = fields.IntField(default=0)
    is_active = fields.BooleanField(default=True)

    class Meta:
        table = "canned_reply"
        ordering = ("position", "id")


class ContactSubject(Model):
    """What a logged contact was about. Built-in ones have a `code` and translated labels,
    those a company adds have a name in its own words."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=60, unique=True)
    name = fields.CharField(max_length=60, default="")
    position = fields.IntField(default=0)
    is_active = fields.BooleanField(default=True)

    class Meta:
        table = "contact_subject"
        ordering = ("position", "id")


class StaffReminderKind(StrEnum):
    TASKS_DUE = "tasks_due"
    STALE_REQUEST = "stale_request"
    SLOW_REPLY = "slow_reply"


class StaffReminder(Model):
    """A reminder or alert sent to an employee: kept so it is sent once and can be counted."""

    id = fields.IntField(primary_key=True)
    employee: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Employee", related_name="reminders", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(StaffReminderKind, max_length=20)
    request: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.QuoteRequest", related_name="staff_reminders", null=True, on_delete=fields.CASCADE
    )
    relay: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.RelaySession", related_name="alerts", null=True, on_delete=fields.CASCADE
    )
    # The company-zone day a daily reminder was for, so it goes once a day.
    day = fields.DateField(null=True)
    sent_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "staff_reminder"
        # One daily reminder per person and day, even if two job runs overlap.
        unique_together = (("employee", "kind", "day"),)
