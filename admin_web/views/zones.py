"""Zones: named sets of locations, so one tariff can price every lane between two regions."""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from admin_web.sections import Column, Field, Kind, Section
from core.errors import InvalidInput
from core.i18n import N_
from core.models import Zone
from core.services.access import Actor, Permission
from core.services.locations import resolve_location
from core.services.network_snapshot import forget_network

MAX_MEMBERS = 500


class ZonesSection(Section):
    key = "zones"
    committed = staticmethod(forget_network)  # quotes must see the edit at once
    model = Zone
    title = N_("Zones")
    item_title = N_("Zone")
    view_permission = Permission.MANAGE_NETWORK
    edit_permission = Permission.MANAGE_NETWORK
    search = ("name",)
    order_by = ("name",)
    prefetch = ("locations",)
    columns = (
        Column(N_("Name"), lambda z: z.name, link=True),
        Column(N_("Locations"), lambda z: sorted(loc.name for loc in z.locations)),
    )
    fields = (
        Field("name", N_("Name"), required=True),
        Field(
            "members",
            N_("Locations"),
            Kind.TEXTAREA,
            required=True,
            max_length=20000,
            help=N_("Names or #ids of locations, separated by commas."),
        ),
    )

    async def values_of(self, obj: Model) -> dict[str, Any]:
        await obj.fetch_related("locations")
        members = ", ".join(f"#{loc.id} {loc.name}" for loc in obj.locations)  # type: ignore[attr-defined]
        return {"name": obj.name, "members": members}  # type: ignore[attr-defined]

    async def validate(
        self, actor: Actor, values: dict[str, Any], obj: Model | None, conn: BaseDBAsyncClient
    ) -> None:
        clash = Zone.filter(name=values["name"]).using_db(conn)
        if obj is not None:
            clash = clash.exclude(id=obj.pk)
        if await clash.exists():
            raise InvalidInput("name", N_("This name is already used."))
        texts = [t.strip() for t in values.pop("members").split(",") if t.strip()]
        if len(texts) > MAX_MEMBERS:
            raise InvalidInput("members", N_("Use at most {count} locations."), count=MAX_MEMBERS)
        found = []
        for text in texts:
            found.append(await resolve_location("members", text))
        values["_locations"] = {loc.id: loc for loc in found}

    async def create(self, actor: Actor, values: dict[str, Any], conn: BaseDBAsyncClient) -> Model:
        members = values.pop("_locations")
        zone = await Zone.create(**values, using_db=conn)
        await zone.locations.add(*members.values(), using_db=conn)
        values["members"] = sorted(loc.name for loc in members.values())
        return zone

    async def update(
        self, actor: Actor, obj: Model, values: dict[str, Any], conn: BaseDBAsyncClient
    ) -> None:
        members = values.pop("_locations")
        obj.name = values["name"]  # type: ignore[attr-defined]
        await obj.save(using_db=conn)
        await obj.locations.clear(using_db=conn)  # type: ignore[attr-defined]
        await obj.locations.add(*members.values(), using_db=conn)  # type: ignore[attr-defined]
        values["members"] = ", ".join(f"#{loc.id} {loc.name}" for loc in members.values())


SECTION = ZonesSection()
ROUTES = SECTION.routes()
