"""What the reports need beyond the work records: marketing costs and people's digests."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class MarketingCost(Model):
    """What an acquisition source cost in one month, entered by the marketer."""

    id = fields.IntField(primary_key=True)
    source = fields.CharField(max_length=100)
    month = fields.DateField()
    amount = fields.DecimalField(max_digits=14, decimal_places=2)
    note = fields.CharField(max_length=200, default="")
    created_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Employee", related_name="marketing_costs", null=True, on_delete=fields.SET_NULL
    )
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "marketing_cost"
        unique_together = (("source", "month"),)


class DigestFrequency(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class ReportDigest(Model):
    """A report a person asked to receive in the bot every week or month.

    last_period_start is the start of the last period sent, so a digest goes once per period
    even when the job runs again or on two workers.
    """

    id = fields.IntField(primary_key=True)
    employee: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Employee", related_name="report_digests", on_delete=fields.CASCADE
    )
    report = fields.CharField(max_length=40)
    frequency = fields.CharEnumField(DigestFrequency, max_length=10)
    last_period_start = fields.DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "report_digest"
        unique_together = (("employee", "report", "frequency"),)
