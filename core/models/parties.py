"""The parties a logistics company deals with: clients, carriers and their contact people."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class ClientKind(StrEnum):
    INDIVIDUAL = "individual"
    LEGAL_ENTITY = "legal_entity"


class Client(Model):
    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(ClientKind, max_length=20, default=ClientKind.INDIVIDUAL)
    name = fields.CharField(max_length=200)
    company_name = fields.CharField(max_length=200, null=True)
    phone = fields.CharField(max_length=20, null=True, unique=True)
    email = fields.CharField(max_length=254, null=True)
    city = fields.CharField(max_length=100, null=True)
    language = fields.CharField(max_length=5, default="en")
    source = fields.CharField(max_length=100, null=True, db_index=True)
    notes = fields.TextField(default="")
    manager: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Employee", related_name="clients", null=True, on_delete=fields.SET_NULL
    )
    tags: fields.ManyToManyRelation = fields.ManyToManyField(
        "models.Tag", related_name="clients", through="client_tag"
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "client"

    def __str__(self) -> str:
        return self.name


class Carrier(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    phone = fields.CharField(max_length=20, null=True)
    email = fields.CharField(max_length=254, null=True)
    country = fields.CharField(max_length=2, null=True)
    city = fields.CharField(max_length=100, null=True)
    modes = fields.JSONField(default=list)
    notes = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "carrier"

    def __str__(self) -> str:
        return self.name


class ContactPerson(Model):
    """A person at a client or carrier company. Exactly one of the two links is set."""

    id = fields.IntField(primary_key=True)
    client: fields.ForeignKeyNullableRelation[Client] = fields.ForeignKeyField(
        "models.Client", related_name="contacts", null=True, on_delete=fields.CASCADE
    )
    carrier: fields.ForeignKeyNullableRelation[Carrier] = fields.ForeignKeyField(
        "models.Carrier", related_name="contacts", null=True, on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200)
    position = fields.CharField(max_length=100, null=True)
    phone = fields.CharField(max_length=20, null=True)
    email = fields.CharField(max_length=254, null=True)

    class Meta:
        table = "contact_person"
