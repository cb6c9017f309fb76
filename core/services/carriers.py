"""Carriers the company hires: filters, reads and audited writes shared by the panel and the API.

Carriers are company-wide reference data: whoever may view them sees them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from babel import Locale
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError
from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from core.errors import NotFound
from core.models import Carrier, ContactPerson
from core.services import audit
from core.services.access import Actor, Permission, require
from core.services.contacts import (
    ContactInput,
    Email,
    PersonName,
    PhoneText,
    blank_to_none,
    clean_phone,
    create_contact,
    lenient_from_query,
    line,
    no_defaults,
    text,
)

Mode = Literal["road", "rail", "sea", "air"]
MODES: tuple[str, ...] = Mode.__args__  # type: ignore[attr-defined]
# Two-letter territory codes Babel knows, without the groupings that are not countries.
_NOT_COUNTRIES = {"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"}
COUNTRIES = frozenset(
    code
    for code in Locale("en").territories
    if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
)


def _country(value: str) -> str:
    code = value.upper()
    if code not in COUNTRIES:
        raise PydanticCustomError("country", "is not an ISO 3166 country code")
    return code


def _unique_modes(modes: list[str]) -> list[str]:
    return [mode for mode in MODES if mode in modes]


Country = Annotated[
    str, Field(min_length=2, max_length=2, pattern=r"^[A-Za-z]{2}$"), AfterValidator(_country)
]
Modes = Annotated[list[Mode], Field(max_length=len(MODES)), AfterValidator(_unique_modes)]


class CarrierInput(BaseModel):
    """A new carrier. Only `name` is required."""

    model_config = ConfigDict(extra="forbid")

    name: PersonName
    phone: PhoneText | None = None
    email: Email | None = None
    country: Country | None = Field(None, description="ISO 3166-1 alpha-2, such as NG.")
    city: line(100) | None = None  # type: ignore[valid-type]
    modes: Modes = Field(default_factory=list, description="Transport modes offered.")
    notes: text(5000) = ""  # type: ignore[valid-type]


class CarrierChanges(BaseModel):
    """Fields to change; absent fields stay as they are, null clears an optional field."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=no_defaults)

    name: PersonName = None
    phone: PhoneText | None = None
    email: Email | None = None
    country: Country | None = None
    city: line(100) | None = None  # type: ignore[valid-type]
    modes: Modes = None  # type: ignore[assignment]
    notes: text(5000) = None  # type: ignore[valid-type]


class CarrierFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: line(100) | None = Field(  # type: ignore[valid-type]
        None, description="Part of the name, phone or e-mail."
    )
    country: Country | None = None
    city: line(100) | None = None  # type: ignore[valid-type]

    @classmethod
    def from_query(cls, mapping: Mapping[str, str]) -> CarrierFilters:
        """Build from a query string, dropping values that do not parse."""
        return lenient_from_query(cls, mapping)


def carrier_query(actor: Actor, filters: CarrierFilters) -> QuerySet[Carrier]:
    require(actor, Permission.VIEW_CARRIERS)
    query = Carrier.all()
    if filters.q:
        query = query.filter(
            Q(name__icontains=filters.q)
            | Q(phone__icontains=filters.q)
            | Q(email__icontains=filters.q)
        )
    if filters.country:
        query = query.filter(country=filters.country)
    if filters.city:
        query = query.filter(city__iexact=filters.city)
    return query


async def get_carrier(actor: Actor, carrier_id: int) -> Carrier:
    require(actor, Permission.VIEW_CARRIERS)
    carrier = await Carrier.get_or_none(id=carrier_id)
    if carrier is None:
        raise NotFound()
    return carrier


async def create_carrier(actor: Actor, data: CarrierInput, phone_region: str) -> Carrier:
    """Create a carrier and its audit entry in one transaction."""
    require(actor, Permission.EDIT_CARRIERS)
    values: dict[str, Any] = {
        "name": data.name,
        "phone": clean_phone(data.phone, phone_region),
        "email": blank_to_none(data.email),
        "country": data.country,
        "city": blank_to_none(data.city),
        "modes": data.modes,
        "notes": data.notes,
    }
    async with in_transaction() as conn:
        carrier = await Carrier.create(**values, using_db=conn)
        await audit.record(
            actor, "carrier.created", "carrier", carrier.id, values, connection=conn
        )
    return carrier


async def update_carrier(
    actor: Actor, carrier_id: int, changes: CarrierChanges, phone_region: str
) -> Carrier:
    """Apply the fields present in `changes`; audit the old and new value of each change."""
    require(actor, Permission.EDIT_CARRIERS)
    wanted: dict[str, Any] = {name: getattr(changes, name) for name in changes.model_fields_set}
    if "phone" in wanted:
        wanted["phone"] = clean_phone(wanted["phone"], phone_region)
    for name in ("email", "city"):
        if name in wanted:
            wanted[name] = blank_to_none(wanted[name])
    async with in_transaction() as conn:
        carrier = await Carrier.filter(id=carrier_id).using_db(conn).select_for_update().first()
        if carrier is None:
            raise NotFound()
        diff = audit.changes({name: getattr(carrier, name) for name in wanted}, wanted)
        if diff:
            carrier.update_from_dict(wanted)
            await carrier.save(using_db=conn)
            await audit.record(
                actor, "carrier.updated", "carrier", carrier.id, diff, connection=conn
            )
    return carrier


async def carrier_contacts_query(actor: Actor, carrier_id: int) -> QuerySet[ContactPerson]:
    """The contact people of a carrier; NotFound if there is no such carrier."""
    require(actor, Permission.VIEW_CARRIERS)
    if not await Carrier.exists(id=carrier_id):
        raise NotFound()
    return ContactPerson.filter(carrier_id=carrier_id)


async def add_carrier_contact(
    actor: Actor, carrier_id: int, data: ContactInput, phone_region: str
) -> ContactPerson:
    """Add a contact person to a carrier; audited."""
    require(actor, Permission.EDIT_CARRIERS)
    async with in_transaction() as conn:
        if not await Carrier.filter(id=carrier_id).using_db(conn).exists():
            raise NotFound()
        return await create_contact(actor, data, phone_region, conn, carrier_id=carrier_id)
