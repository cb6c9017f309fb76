"""Adding a contact person to a client or a carrier: one small form, the shared services."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from admin_web.auth import ACTOR
from admin_web.keys import SETTINGS
from admin_web.params import path_id
from admin_web.routing import get, post
from admin_web.sections import Field, Kind
from admin_web.sections.section import service_validation
from core.errors import InvalidInput
from core.i18n import N_, _
from core.models import Carrier, ContactPerson
from core.services.access import Actor, Permission
from core.services.carriers import add_carrier_contact
from core.services.clients import add_client_contact, get_client
from core.services.contacts import ContactInput

FIELDS = (
    Field("name", N_("Name"), required=True),
    Field("position", N_("Position"), max_length=100),
    Field("phone", N_("Phone"), max_length=40),
    Field("email", N_("Email"), Kind.EMAIL, max_length=254),
)
Adder = Callable[[Actor, int, ContactInput, str], Awaitable[ContactPerson]]


async def _owner(request: web.Request, kind: str) -> tuple[str, str]:
    """The owner's name and page; NotFound (a 404) when the actor may not see it."""
    owner_id = path_id(request, "owner_id")
    if kind == "client":
        client = await get_client(request[ACTOR], owner_id)
        return client.name, f"/admin/clients/{owner_id}"
    carrier = await Carrier.get_or_none(id=owner_id)
    if carrier is None:
        raise web.HTTPNotFound()
    return carrier.name, f"/admin/carriers/{owner_id}"


def _render(
    request: web.Request,
    owner: tuple[str, str],
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> web.StreamResponse:
    context = {
        "owner_name": owner[0],
        "back": owner[1],
        "fields": [(f, None) for f in FIELDS],
        "values": {f.name: values.get(f.name) or "" for f in FIELDS},
        "errors": errors,
        "action": request.path,
    }
    return aiohttp_jinja2.render_template("contact_form.html", request, context, status=status)


def _pages(kind: str, add: Adder) -> tuple[Callable, Callable]:
    async def form(request: web.Request) -> web.StreamResponse:
        return _render(request, await _owner(request, kind), {}, {})

    async def submit(request: web.Request) -> web.StreamResponse:
        owner = await _owner(request, kind)
        posted = await request.post()
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for f in FIELDS:
            try:
                values[f.name] = f.parse(posted.get(f.name))
            except InvalidInput as exc:
                errors[f.name] = _(exc.msgid, **exc.params)
        if not errors:
            region = request.config_dict[SETTINGS].phone_region
            try:
                with service_validation():
                    data = ContactInput(**values)
                await add(request[ACTOR], path_id(request, "owner_id"), data, region)
            except InvalidInput as exc:
                errors[exc.field] = _(exc.msgid, **exc.params)
            else:
                raise web.HTTPFound(owner[1] + "?done=contact")
        shown = {f.name: str(posted.get(f.name, "")) for f in FIELDS}
        return _render(request, owner, shown, errors, status=422)

    return form, submit


client_form, client_submit = _pages("client", add_client_contact)
carrier_form, carrier_submit = _pages("carrier", add_carrier_contact)
_CLIENT = r"/clients/{owner_id:\d+}/contacts/new"
_CARRIER = r"/carriers/{owner_id:\d+}/contacts/new"
ROUTES = [
    get(_CLIENT, client_form, "clients.contact_form", Permission.EDIT_CLIENTS),
    post(_CLIENT, client_submit, "clients.contact_save", Permission.EDIT_CLIENTS),
    get(_CARRIER, carrier_form, "carriers.contact_form", Permission.EDIT_CARRIERS),
    post(_CARRIER, carrier_submit, "carriers.contact_save", Permission.EDIT_CARRIERS),
]
