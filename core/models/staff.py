"""The company's people: employees with one role each, and their one-time invites."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Role(StrEnum):
    ADMIN = "admin"
    DIRECTOR = "director"
    HEAD_OF_SALES = "head_of_sales"
    MANAGER = "manager"
    DISPATCHER = "dispatcher"
    ACCOUNTANT = "accountant"
    MARKETER = "marketer"
    # A carrier's people: they see only the shipments their company carries.
    CARRIER = "carrier"


class Employee(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    role = fields.CharEnumField(Role, max_length=20)
    login = fields.CharField(max_length=100, null=True, unique=True)
    password_hash = fields.CharField(max_length=200, null=True)
    language = fields.CharField(max_length=5, default="en")
    email = fields.CharField(max_length=254, null=True)
    # Encrypted with a key derived from SECRET_KEY. Null: no second factor.
    totp_secret = fields.CharField(max_length=300, null=True)
    is_active = fields.BooleanField(default=True)
    # The head of sales a manager reports to: their team. A manager with none is in every
    # head's team, so a company with one sales team configures nothing.
    head: fields.ForeignKeyNullableRelation["Employee"] = fields.ForeignKeyField(
        "models.Employee", related_name="team", null=True, on_delete=fields.SET_NULL
    )
    # Wall-clock "HH:MM" in the company's zone when the day's task reminder arrives.
    reminder_time = fields.CharField(max_length=5, default="09:00")
    # Off duty: live chats go to the sales queue instead of this person.
    on_duty = fields.BooleanField(default=True)
    # Set for the carrier role: the company whose shipments this person reports on.
    carrier: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Carrier", related_name="people", null=True, on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "employee"

    def __str__(self) -> str:
        return self.name


class StaffInvite(Model):
    """A single-use code that links a messenger account to an Employee. Only its hash is kept."""

    id = fields.IntField(primary_key=True)
    code_hash = fields.CharField(max_length=64, unique=True)
    employee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "models.Employee", related_name="invites", on_delete=fields.CASCADE
    )
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "staff_invite"
