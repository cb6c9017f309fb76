"""Places cargo moves between: cities, terminals, ports and airports, the nodes of the network."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class LocationKind(StrEnum):
    CITY = "city"
    TERMINAL = "terminal"
    PORT = "port"
    AIRPORT = "airport"


class Location(Model):
    """A node of the transport network. Names holds other spellings and languages for matching.

    Transfer time and cost apply when a route changes lanes here.
    """

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200, db_index=True)
    kind = fields.CharEnumField(LocationKind, max_length=10, default=LocationKind.CITY)
    country = fields.CharField(max_length=2, null=True, db_index=True)
    latitude = fields.DecimalField(max_digits=9, decimal_places=6, null=True)
    longitude = fields.DecimalField(max_digits=9, decimal_places=6, null=True)
    population = fields.BigIntField(default=0)
    names = fields.JSONField(default=list)
    geonameid = fields.BigIntField(null=True, unique=True)
    transfer_minutes = fields.IntField(default=0)
    transfer_cost = fields.DecimalField(max_digits=14, decimal_places=2, default=0)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "location"
        ordering = ("name", "id")

    def __str__(self) -> str:
        return self.name
