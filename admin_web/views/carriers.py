"""Carriers: the filtered list, the card with contact people, and XLSX export.

Writes go through core.services.carriers, shared with the JSON API.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from babel import Locale
from tortoise.models import Model
from tortoise.queryset import QuerySet

from admin_web.auth import ACTOR
from admin_web.downloads import xlsx_response
from admin_web.keys import SETTINGS
from admin_web.routing import get
from admin_web.sections import Column, Field, Filter, Kind, Section, static_choices
from admin_web.sections.section import service_validation
from core.i18n import N_, _, current_locale
from core.models import Carrier, ContactPerson
from core.services.access import Actor, Permission
from core.services.audit import record
from core.services.carriers import (
    COUNTRIES,
    CarrierChanges,
    CarrierFilters,
    CarrierInput,
    carrier_query,
    create_carrier,
    update_carrier,
)
from core.services.company import current_company, zone_of
from core.services.xlsx_export import carrier_columns, export_xlsx, in_chunks

MODES = static_choices(
    [("road", N_("Road")), ("rail", N_("Rail")), ("sea", N_("Sea")), ("air", N_("Air"))]
)


async def _countries(actor: Actor) -> list[tuple[str, str]]:
    names = Locale.parse(current_locale()).territories
    return sorted(((c, names.get(c, c)) for c in COUNTRIES), key=lambda pair: pair[1])


async def _used_countries(actor: Actor, model: type[Model] = Carrier) -> list[tuple[str, str]]:
    """The countries that rows of `model` are in, named in the reader's language."""
    names = Locale.parse(current_locale()).territories
    # Explicit order: a model's default ordering would break SELECT DISTINCT on PostgreSQL.
    query = model.filter(country__not_isnull=True).order_by("country").distinct()
    used = await query.values_list("country", flat=True)
    return sorted(((c, names.get(c, c)) for c in used), key=lambda pair: pair[1])


class CarriersSection(Section):
    key = "carriers"
    model = Carrier
    title = N_("Carriers")
    item_title = N_("Carrier")
    view_permission = Permission.VIEW_CARRIERS
    edit_permission = Permission.EDIT_CARRIERS
    form_template = "carrier_form.html"
    list_template = "carriers_list.html"
    search = ("name",)
    order_by = ("name", "id")
    columns = (
        Column(N_("Name"), lambda c: c.name, link=True),
        Column(N_("Phone"), lambda c: c.phone),
        Column(N_("Email"), lambda c: c.email),
        Column(N_("Country"), lambda c: c.country),
        Column(N_("City"), lambda c: c.city),
        Column(N_("Modes"), lambda c: c.modes),
    )
    filters = (Filter("country", N_("Country"), _used_countries, lambda q, v: q),)
    fields = (
        Field("name", N_("Name"), required=True),
        Field("phone", N_("Phone"), max_length=40),
        Field("email", N_("Email"), Kind.EMAIL, max_length=254),
        Field("country", N_("Country"), Kind.SELECT, choices=_countries),
        Field("city", N_("City"), max_length=100),
        Field("modes", N_("Transport modes"), Kind.MULTI, choices=MODES),
        Field("notes", N_("Notes"), Kind.TEXTAREA, max_length=5000),
    )

    def scope(self, actor: Actor, query: QuerySet) -> QuerySet:
        return carrier_query(actor, CarrierFilters())

    async def list_query(self, actor: Actor, params: dict[str, str]) -> tuple[QuerySet, dict]:
        query = carrier_query(actor, CarrierFilters.from_query(params))
        return query, {k: v for k, v in params.items() if k != "page" and v}

    async def save(
        self, request: web.Request, actor: Actor, obj: Model | None, values: dict[str, Any]
    ) -> Model:
        data = {**values, "notes": values.get("notes") or "", "modes": values.get("modes") or []}
        region = request.config_dict[SETTINGS].phone_region
        with service_validation():
            if obj is None:
                return await create_carrier(actor, CarrierInput(**data), region)
            return await update_carrier(actor, obj.pk, CarrierChanges(**data), region)

    async def extra_context(self, request: web.Request, obj: Model | None) -> dict[str, Any]:
        if obj is None:
            return {"contacts": []}
        return {"contacts": await ContactPerson.filter(carrier_id=obj.pk).order_by("name")}


SECTION = CarriersSection()


async def export(request: web.Request) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    query, chosen = await SECTION.list_query(actor, dict(request.query))
    settings = request.config_dict[SETTINGS]
    zone = zone_of(await current_company(settings.currency, settings.timezone))
    data = await export_xlsx(in_chunks(query), carrier_columns(zone), _("Carriers"), zone=zone)
    await record(actor, "carrier.exported", "carrier", None, {"filters": chosen})
    return xlsx_response(data, "carriers", zone)


ROUTES = [
    get("/carriers/export.xlsx", export, "carriers.export", Permission.VIEW_CARRIERS),
    *SECTION.routes(),
]
