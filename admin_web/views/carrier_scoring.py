"""The carriers report's reliability score: its three weights, set by the management.

A form in the panel's usual pattern (CSRF from the middleware, each message next to its
field, the change written to the company's history by the service).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from admin_web.auth import ACTOR
from admin_web.routing import get, post
from admin_web.sections.fields import Field, Kind
from core.errors import InvalidInput
from core.i18n import N_, _
from core.services.access import Actor, Permission
from core.services.carrier_scoring import (
    DEFAULT_WEIGHTS,
    FORMULA,
    PART_LABELS,
    PARTS,
    Weights,
    check_weight,
    current_weights,
    save_weights,
)

PATH = "/admin/carrier-scoring"
HELP = {
    "on_time": N_("Share of the delivered shipments that arrived by the promised time."),
    "exceptions": N_("1 less delays, damage and losses per shipment (not below 0)."),
    "proof": N_("Share of the delivered shipments with a signed delivery note."),
}
FIELDS = [
    Field(part, PART_LABELS[part], Kind.DECIMAL, required=True, help=HELP[part], max_length=20)
    for part in PARTS
]


async def _page(
    request: web.Request,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> web.StreamResponse:
    context = {
        "fields": [(f, None) for f in FIELDS],
        "values": values,
        "errors": errors,
        "general_errors": [m for k, m in errors.items() if k not in PARTS],
        "weights": await current_weights(),
        "defaults": DEFAULT_WEIGHTS,
        "formula": FORMULA,
        "done": _("Saved.") if request.query.get("done") == "saved" else None,
    }
    return aiohttp_jinja2.render_template("carrier_scoring.html", request, context, status=status)


async def scoring_page(request: web.Request) -> web.StreamResponse:
    weights = await current_weights()
    return await _page(request, {part: str(getattr(weights, part)) for part in PARTS}, {})


async def scoring_submit(request: web.Request) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    form = await request.post()
    typed = {part: str(form.get(part, "")) for part in PARTS}
    parsed: dict[str, Decimal] = {}
    errors: dict[str, str] = {}
    for f in FIELDS:
        try:
            parsed[f.name] = f.parse(typed[f.name])
            check_weight(f.name, parsed[f.name])
        except InvalidInput as exc:
            errors[f.name] = _(exc.msgid, **exc.params)
    if not errors:
        try:
            await save_weights(actor, Weights(**parsed))
        except InvalidInput as exc:
            errors[exc.field] = _(exc.msgid, **exc.params)
        else:
            raise web.HTTPFound(PATH + "?done=saved")
    return await _page(request, typed, errors, status=422)


ROUTES = [
    get("/carrier-scoring", scoring_page, "carrier_scoring", Permission.MANAGE_COMPANY),
    post("/carrier-scoring", scoring_submit, "carrier_scoring.update", Permission.MANAGE_COMPANY),
]
