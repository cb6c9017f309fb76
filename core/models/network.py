"""The transport network and its prices: zones, carriers' lanes, price lists and tariffs.

The pricing and routing engines work on plain dataclasses (core/services/pricing,
core/services/routing); these tables store what the panel edits, and a repository turns
them into those dataclasses for a quote.
"""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class TransportMode(StrEnum):
    ROAD = "road"
    RAIL = "rail"
    SEA = "sea"
    AIR = "air"


class Zone(Model):
    """A named set of locations, so one tariff can price many lanes."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200, unique=True)
    locations: fields.ManyToManyRelation = fields.ManyToManyField(
        "models.Location", related_name="zones", through="zone_location"
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "zone"
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Lane(Model):
    """An offer of a carrier between two locations. Its cost is a Tariff linked to it.

    Departure days are weekdays 0 (Monday) to 6 with a time HH:MM in UTC, or none for a
    lane that leaves whenever the cargo is ready.
    """

    id = fields.IntField(primary_key=True)
    carrier: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Carrier", related_name="lanes", on_delete=fields.CASCADE
    )
    origin: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Location", related_name="lanes_out", on_delete=fields.CASCADE
    )
    destination: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Location", related_name="lanes_in", on_delete=fields.CASCADE
    )
    mode = fields.CharEnumField(TransportMode, max_length=10)
    transit_minutes = fields.IntField()
    departure_days = fields.JSONField(default=list)
    departure_time = fields.CharField(max_length=5, null=True)
    cargo_types = fields.JSONField(default=list)
    capacity_kg = fields.DecimalField(max_digits=14, decimal_places=3, null=True)
    valid_from = fields.DateField(null=True)
    valid_to = fields.DateField(null=True)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "lane"
        ordering = ("id",)


class PriceList(Model):
    """The main list (is_main) or the own list of one client, from its contract."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    currency = fields.CharField(max_length=3)
    is_main = fields.BooleanField(default=False)
    client: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Client", related_name="price_lists", null=True, on_delete=fields.CASCADE
    )
    valid_from = fields.DateField(null=True)
    valid_to = fields.DateField(null=True)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "price_list"
        ordering = ("-is_main", "name", "id")

    def __str__(self) -> str:
        return self.name


class Tariff(Model):
    """One pricing rule: of a price list (client price) or of a lane (carrier cost).

    Scope is a lane (origin and destination), a pair of zones, or the whole mode when both
    are empty. Breaks hold [from_kg, rate] pairs, surcharges [code, kind, value, minimum].
    """

    id = fields.IntField(primary_key=True)
    price_list: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.PriceList", related_name="tariffs", null=True, on_delete=fields.CASCADE
    )
    lane: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Lane", related_name="tariffs", null=True, on_delete=fields.CASCADE
    )
    mode = fields.CharEnumField(TransportMode, max_length=10)
    basis = fields.CharField(max_length=20)
    currency = fields.CharField(max_length=3)
    origin: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Location", related_name="tariffs_from", null=True, on_delete=fields.CASCADE
    )
    destination: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Location", related_name="tariffs_to", null=True, on_delete=fields.CASCADE
    )
    origin_zone: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Zone", related_name="tariffs_from", null=True, on_delete=fields.CASCADE
    )
    destination_zone: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Zone", related_name="tariffs_to", null=True, on_delete=fields.CASCADE
    )
    rate = fields.DecimalField(max_digits=14, decimal_places=4, default=0)
    breaks = fields.JSONField(default=list)
    cargo_types = fields.JSONField(default=list)
    minimum_charge = fields.DecimalField(max_digits=14, decimal_places=2, default=0)
    surcharges = fields.JSONField(default=list)
    next_break_cheaper = fields.BooleanField(default=True)
    valid_from = fields.DateField(null=True)
    valid_to = fields.DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "tariff"
        ordering = ("id",)
