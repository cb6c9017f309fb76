"""Locations: the network's places, with the world's cities preloaded and a CSV import."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from admin_web.sections import Column, Field, Filter, Kind, Section, static_choices
from admin_web.views.carriers import _countries, _used_countries
from core.errors import InvalidInput
from core.i18n import N_, _
from core.models import Location, LocationKind
from core.services.access import Actor, Permission
from core.services.locations import forget_index
from core.services.network_snapshot import forget_network

KINDS = [
    (LocationKind.CITY.value, N_("City")),
    (LocationKind.TERMINAL.value, N_("Terminal")),
    (LocationKind.PORT.value, N_("Port")),
    (LocationKind.AIRPORT.value, N_("Airport")),
]
_KIND_LABELS = dict(KINDS)


async def _used_location_countries(actor: Actor) -> list[tuple[str, str]]:
    return await _used_countries(actor, Location)


class LocationsSection(Section):
    key = "locations"
    committed = staticmethod(forget_network)  # quotes must see the edit at once
    model = Location
    title = N_("Locations")
    item_title = N_("Location")
    view_permission = Permission.MANAGE_NETWORK
    edit_permission = Permission.MANAGE_NETWORK
    search = ("name",)
    order_by = ("-population", "name", "id")
    importable = True
    columns = (
        Column(N_("Name"), lambda loc: loc.name, link=True),
        Column(N_("Kind"), lambda loc: _(_KIND_LABELS[loc.kind])),
        Column(N_("Country"), lambda loc: loc.country),
        Column(N_("Coordinates"), lambda loc: _coordinates(loc)),
        Column(N_("Transfer"), lambda loc: _transfer(loc)),
        Column(N_("Active"), lambda loc: loc.is_active),
    )
    fields = (
        Field("name", N_("Name"), required=True),
        Field("kind", N_("Kind"), Kind.SELECT, required=True, choices=static_choices(KINDS)),
        Field("country", N_("Country"), Kind.SELECT, choices=_countries),
        Field("latitude", N_("Latitude"), Kind.DECIMAL, help=N_("Degrees, e.g. 6.4541")),
        Field("longitude", N_("Longitude"), Kind.DECIMAL, help=N_("Degrees, e.g. 3.3947")),
        Field(
            "names",
            N_("Other names"),
            max_length=2000,
            help=N_("Other spellings and languages clients may type, separated by commas."),
        ),
        Field(
            "transfer_minutes",
            N_("Transfer time, minutes"),
            Kind.INT,
            help=N_("Added when a route changes lanes here."),
        ),
        Field("transfer_cost", N_("Transfer cost"), Kind.DECIMAL),
        Field("is_active", N_("Active"), Kind.CHECKBOX),
    )
    filters = (
        Filter("kind", N_("Kind"), static_choices(KINDS), lambda q, v: q.filter(kind=v)),
        Filter(
            "country", N_("Country"), _used_location_countries, lambda q, v: q.filter(country=v)
        ),
    )

    async def initial(self, actor: Actor) -> dict[str, Any]:
        return {"kind": LocationKind.TERMINAL.value, "is_active": True}

    async def values_of(self, obj: Model) -> dict[str, Any]:
        values = await super().values_of(obj)
        values["names"] = ", ".join(obj.names or [])  # type: ignore[attr-defined]
        return values

    async def validate(
        self, actor: Actor, values: dict[str, Any], obj: Model | None, conn: BaseDBAsyncClient
    ) -> None:
        for name, limit in (("latitude", 90), ("longitude", 180)):
            value = values.get(name)
            if value is not None:
                if abs(value) > limit:
                    raise InvalidInput(
                        name, N_("Enter degrees between -{limit} and {limit}."), limit=limit
                    )
                values[name] = value.quantize(Decimal("0.000001"))
        if (values.get("transfer_minutes") or 0) < 0:
            raise InvalidInput("transfer_minutes", N_("Enter zero or more."))
        cost = values.get("transfer_cost") or Decimal(0)
        if cost < 0:
            raise InvalidInput("transfer_cost", N_("Enter zero or more."))
        values["transfer_cost"] = cost.quantize(Decimal("0.01"))
        values["transfer_minutes"] = values.get("transfer_minutes") or 0
        values["names"] = [n.strip() for n in (values.get("names") or "").split(",") if n.strip()]
        values["is_active"] = bool(values.get("is_active", True))

    async def create(self, actor: Actor, values: dict[str, Any], conn: BaseDBAsyncClient) -> Model:
        created = await super().create(actor, values, conn)
        forget_index()
        return created

    async def update(
        self, actor: Actor, obj: Model, values: dict[str, Any], conn: BaseDBAsyncClient
    ) -> None:
        await super().update(actor, obj, values, conn)
        forget_index()


def _coordinates(loc: Location) -> str:
    if loc.latitude is None or loc.longitude is None:
        return ""
    return f"{loc.latitude:.4f}, {loc.longitude:.4f}"


def _transfer(loc: Location) -> str:
    if not loc.transfer_minutes and not loc.transfer_cost:
        return ""
    return _("{minutes} min · {cost}", minutes=loc.transfer_minutes, cost=loc.transfer_cost)


SECTION = LocationsSection()
ROUTES = SECTION.routes()
