"""Price lists: the main list every client gets, and clients' own lists from their contracts."""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from admin_web.sections import Column, Field, Filter, Kind, Section, static_choices
from admin_web.views.company import _currencies
from core.errors import InvalidInput
from core.i18n import N_, _
from core.models import PriceList
from core.services.access import Actor, Permission
from core.services.clients import client_by_reference
from core.services.company import phone_region
from core.services.network_snapshot import forget_network

KINDS = [("main", N_("Main list")), ("client", N_("Client lists"))]


class PriceListsSection(Section):
    key = "price-lists"
    committed = staticmethod(forget_network)  # quotes must see the edit at once
    model = PriceList
    title = N_("Price lists")
    item_title = N_("Price list")
    view_permission = Permission.MANAGE_PRICES
    edit_permission = Permission.MANAGE_PRICES
    search = ("name",)
    order_by = ("-is_main", "name", "id")
    prefetch = ("client",)
    columns = (
        Column(N_("Name"), lambda p: p.name, link=True),
        Column(N_("Client"), lambda p: p.client.name if p.client else _("Main list")),
        Column(N_("Currency"), lambda p: p.currency),
        Column(N_("Valid from"), lambda p: p.valid_from.isoformat() if p.valid_from else ""),
        Column(N_("Valid to"), lambda p: p.valid_to.isoformat() if p.valid_to else ""),
        Column(N_("Active"), lambda p: p.is_active),
    )
    fields = (
        Field("name", N_("Name"), required=True),
        Field("currency", N_("Currency"), Kind.SELECT, required=True, choices=_currencies),
        Field("is_main", N_("The main price list"), Kind.CHECKBOX),
        Field(
            "client",
            N_("Client"),
            help=N_(
                "For a client's own list: the client's #id or phone. Empty for the main list."
            ),
        ),
        Field("valid_from", N_("Valid from"), Kind.DATE),
        Field("valid_to", N_("Valid to"), Kind.DATE),
        Field("is_active", N_("Active"), Kind.CHECKBOX),
    )
    filters = (
        Filter(
            "kind",
            N_("Kind"),
            static_choices(KINDS),
            lambda q, v: (
                q.filter(is_main=True) if v == "main" else q.filter(client_id__not_isnull=True)
            ),
        ),
    )

    async def initial(self, actor: Actor) -> dict[str, Any]:
        return {"is_active": True, "currency": "NGN"}

    async def values_of(self, obj: Model) -> dict[str, Any]:
        values = {f.name: getattr(obj, f.name, None) for f in self.fields}
        client_id = obj.client_id  # type: ignore[attr-defined]
        values["client"] = f"#{client_id}" if client_id else None
        return values

    async def validate(
        self, actor: Actor, values: dict[str, Any], obj: Model | None, conn: BaseDBAsyncClient
    ) -> None:
        text = (values.pop("client") or "").strip()
        client = None
        if text:
            client = await client_by_reference(actor, text, phone_region())
            if client is None:
                raise InvalidInput("client", N_("No client has that #id or phone."))
        if values.get("is_main") and client is not None:
            raise InvalidInput("client", N_("The main price list belongs to no client."))
        if not values.get("is_main") and client is None:
            raise InvalidInput("client", N_("Give the client, or tick the main price list."))
        if values.get("is_main") and values.get("is_active"):
            other = PriceList.filter(is_main=True, is_active=True).using_db(conn)
            if obj is not None:
                other = other.exclude(id=obj.pk)
            existing = await other.first()
            if existing is not None:
                message = N_("{name} is already the main price list. Switch it off first.")
                raise InvalidInput("is_main", message, name=existing.name)
        starts, ends = values.get("valid_from"), values.get("valid_to")
        if starts and ends and ends < starts:
            raise InvalidInput("valid_to", N_("The end date must not be before the start date."))
        values["client_id"] = client.id if client else None
        values["is_main"] = bool(values.get("is_main"))
        values["is_active"] = bool(values.get("is_active"))


SECTION = PriceListsSection()
ROUTES = SECTION.routes()
