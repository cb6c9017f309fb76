"""The company's own settings and its marketing sources: edited in the panel, read everywhere."""

from tortoise import fields
from tortoise.models import Model


class Company(Model):
    """One row. Environment values (CURRENCY, TIMEZONE) only seed it on first start."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200, default="Ona")
    currency = fields.CharField(max_length=3, default="NGN")
    timezone = fields.CharField(max_length=64, default="Africa/Lagos")
    # Wall-clock times "HH:MM" in the company's zone; weekdays 0 (Monday) to 6.
    work_starts = fields.CharField(max_length=5, null=True)
    work_ends = fields.CharField(max_length=5, null=True)
    work_days = fields.JSONField(default=list)
    quiet_starts = fields.CharField(max_length=5, null=True)
    quiet_ends = fields.CharField(max_length=5, null=True)
    # VAT on quotes: a fraction (0.075 is 7.5 percent), and whether prices already include it.
    vat_rate = fields.DecimalField(max_digits=6, decimal_places=4, default=0)
    prices_include_vat = fields.BooleanField(default=False)
    # Chargeable kg per m3 of each mode (the carriers usual divisors by default).
    factor_road = fields.DecimalField(max_digits=10, decimal_places=3, default=333)
    factor_rail = fields.DecimalField(max_digits=10, decimal_places=3, default=333)
    factor_sea = fields.DecimalField(max_digits=10, decimal_places=3, default=1000)
    factor_air = fields.DecimalField(max_digits=10, decimal_places=3, default=167)
    # Weights of the carriers report reliability score, set in the panel (empty: defaults).
    reliability_weights = fields.JSONField(default=dict)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "company"

    def __str__(self) -> str:
        return self.name


class MarketingSource(Model):
    """Where clients come from. Client.source holds the code, so channels can set it too."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=100, unique=True)
    name = fields.CharField(max_length=200)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "marketing_source"
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Tag(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=60, unique=True)

    class Meta:
        table = "tag"
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name
