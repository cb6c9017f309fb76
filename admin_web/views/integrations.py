"""Integrations: API keys for the JSON API and outgoing webhooks with their deliveries.

Both ride on the section pattern; writes go through their services, which check the
permission, write the audit entry and (for webhooks) refresh the outbox's endpoint cache.
"""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from admin_web.auth import ACTOR
from admin_web.params import as_id, path_id
from admin_web.routing import get, post
from admin_web.sections import Column, Field, Kind, Section
from core.errors import InvalidInput
from core.i18n import N_, _
from core.models import ApiKey, Carrier, DeliveryState, Role, WebhookEndpoint
from core.services.access import ROLE_LABELS, Actor, Permission
from core.services.api_keys import create_api_key, revoke_api_key
from core.services.webhooks import (
    create_endpoint,
    delivery_detail,
    event_choices,
    list_deliveries,
    resend,
    rotate_secret,
    send_test_event,
    update_endpoint,
)

STATES = [
    (DeliveryState.PENDING.value, N_("Waiting")),
    (DeliveryState.SUCCEEDED.value, N_("Delivered")),
    (DeliveryState.FAILED.value, N_("Failed")),
]


async def _roles(actor: Actor) -> list[tuple[str, str]]:
    return [(role.value, _(ROLE_LABELS[role])) for role in Role if role is not Role.ADMIN]


async def _carriers(actor: Actor) -> list[tuple[str, str]]:
    rows = await Carrier.all().order_by("name", "id").values_list("id", "name")
    return [(str(i), n) for i, n in rows]


async def _events(actor: Actor) -> list[tuple[str, str]]:
    return event_choices()


def _key_status(key: ApiKey) -> str:
    return _("Revoked") if key.revoked_at else _("Active")


class ApiKeysSection(Section):
    key = "api-keys"
    model = ApiKey
    title = N_("API keys")
    item_title = N_("API key")
    view_permission = Permission.MANAGE_INTEGRATIONS
    edit_permission = Permission.MANAGE_INTEGRATIONS
    form_template = "api_key_form.html"
    list_template = "api_keys_list.html"
    search = ("name", "prefix")
    order_by = ("-created_at", "-id")
    columns = (
        Column(N_("Name"), lambda k: k.name, link=True),
        Column(N_("Role"), lambda k: _(ROLE_LABELS[k.role])),
        Column(N_("Key starts with"), lambda k: f"ona_{k.prefix}_…"),
        Column(N_("Created"), lambda k: k.created_at),
        Column(N_("Last used"), lambda k: k.last_used_at),
        Column(N_("Status"), _key_status),
    )
    fields = (
        Field("name", N_("Name"), required=True, help=N_("Which system uses it, e.g. ERP.")),
        Field(
            "role",
            N_("Acts with the rights of"),
            Kind.SELECT,
            required=True,
            choices=_roles,
            help=N_("Give the smallest role that does the job."),
        ),
        Field(
            "carrier_id",
            N_("Carrier company"),
            Kind.SELECT,
            choices=_carriers,
            help=N_(
                "For the carrier role: the carrier whose system uses the key. It sees and "
                "reports on that carrier's shipments only, never prices."
            ),
        ),
    )

    def can_edit(self, actor: Actor, obj: Model | None) -> bool:
        return obj is None and super().can_edit(actor, obj)  # keys are made, then only revoked

    async def create_submit(self, request: web.Request) -> web.StreamResponse:
        """The key is shown once, on this response; only its hash is stored."""
        actor: Actor = request[ACTOR]
        values, errors = await self.parse(actor, await request.post())
        carrier = as_id(values.get("carrier_id"))
        if not errors and values.get("role") == Role.CARRIER.value and carrier is None:
            errors["carrier_id"] = _("Choose the carrier whose system uses this key.")
        if not errors:
            try:
                key, plaintext = await create_api_key(
                    actor,
                    values["name"],
                    values["role"],
                    carrier if values.get("role") == Role.CARRIER.value else None,
                )
            except InvalidInput as exc:
                errors[exc.field] = _(exc.msgid, **exc.params)
            else:
                context = {"section": self, "key": key, "plaintext": plaintext}
                response = aiohttp_jinja2.render_template("api_key_created.html", request, context)
                response.headers["Cache-Control"] = "no-store"
                return response
        return await self._form(request, None, values, errors, status=422)


KEYS = ApiKeysSection()


async def revoke(request: web.Request) -> web.StreamResponse:
    await revoke_api_key(request[ACTOR], path_id(request))
    raise web.HTTPFound(KEYS.url(f"/{path_id(request)}?done=saved"))


class WebhooksSection(Section):
    key = "webhooks"
    model = WebhookEndpoint
    title = N_("Webhooks")
    item_title = N_("Webhook endpoint")
    view_permission = Permission.MANAGE_INTEGRATIONS
    edit_permission = Permission.MANAGE_INTEGRATIONS
    form_template = "webhook_form.html"
    search = ("url", "description")
    order_by = ("id",)
    columns = (
        Column(N_("Address"), lambda e: e.url, link=True),
        Column(N_("Description"), lambda e: e.description),
        Column(N_("Events"), lambda e: e.events),
        Column(N_("Active"), lambda e: e.is_active),
    )
    fields = (
        Field("url", N_("Address (URL)"), required=True, max_length=500),
        Field("description", N_("Description")),
        Field("events", N_("Events"), Kind.MULTI, required=True, choices=_events),
        Field("is_active", N_("Active"), Kind.CHECKBOX),
    )

    async def initial(self, actor: Actor) -> dict[str, Any]:
        return {"is_active": True}

    async def save(
        self, request: web.Request, actor: Actor, obj: Model | None, values: dict[str, Any]
    ) -> Model:
        if obj is None:
            return await create_endpoint(
                actor,
                values["url"],
                values["events"],
                values.get("description") or "",
                is_active=bool(values.get("is_active")),
            )
        return await update_endpoint(
            actor,
            obj.pk,
            url=values["url"],
            events=values["events"],
            description=values.get("description") or "",
            is_active=bool(values.get("is_active")),
        )

    async def extra_context(self, request: web.Request, obj: Model | None) -> dict[str, Any]:
        """The endpoint's latest deliveries under its form, filtered by state, paged back."""
        context: dict[str, Any] = {"states": STATES, "state_labels": dict(STATES)}
        if obj is None:
            return context
        state = request.query.get("state") or None
        state = state if state in {s for s, _label in STATES} else None
        context["state"] = state
        context["deliveries"] = await list_deliveries(
            request[ACTOR], obj.pk, state=state, cursor=as_id(request.query.get("before"))
        )
        return context

    async def validate(
        self, actor: Actor, values: dict[str, Any], obj: Model | None, conn: BaseDBAsyncClient
    ) -> None:
        """The service validates; this section never writes through the generic path."""


WEBHOOKS = WebhooksSection()


async def test_event(request: web.Request) -> web.StreamResponse:
    endpoint_id = path_id(request)
    await send_test_event(request[ACTOR], endpoint_id)
    raise web.HTTPFound(WEBHOOKS.url(f"/{endpoint_id}?done=queued"))


async def rotate(request: web.Request) -> web.StreamResponse:
    endpoint_id = path_id(request)
    await rotate_secret(request[ACTOR], endpoint_id)
    raise web.HTTPFound(WEBHOOKS.url(f"/{endpoint_id}?done=saved"))


async def delivery_page(request: web.Request) -> web.StreamResponse:
    detail = await delivery_detail(request[ACTOR], path_id(request, "delivery_id"))
    context = {
        "d": detail,
        "section": WEBHOOKS,
        "done": request.query.get("done"),
        "state_labels": dict(STATES),
    }
    return aiohttp_jinja2.render_template("webhook_delivery.html", request, context)


async def resend_delivery(request: web.Request) -> web.StreamResponse:
    delivery_id = path_id(request, "delivery_id")
    await resend(request[ACTOR], delivery_id)
    raise web.HTTPFound(f"/admin/webhooks/deliveries/{delivery_id}?done=queued")


_MANAGE = Permission.MANAGE_INTEGRATIONS
_ENDPOINT = r"/webhooks/{item_id:\d+}"
_DELIVERY = r"/webhooks/deliveries/{delivery_id:\d+}"
ROUTES = [
    *[r for r in KEYS.routes() if r.name != "api-keys.update"],  # made, then only revoked
    post(r"/api-keys/{item_id:\d+}/revoke", revoke, "api-keys.revoke", _MANAGE),
    *WEBHOOKS.routes(),
    post(_ENDPOINT + "/test", test_event, "webhooks.test", _MANAGE),
    post(_ENDPOINT + "/rotate", rotate, "webhooks.rotate", _MANAGE),
    get(_DELIVERY, delivery_page, "webhooks.delivery", _MANAGE),
    post(_DELIVERY + "/resend", resend_delivery, "webhooks.resend", _MANAGE),
]
