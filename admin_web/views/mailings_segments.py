"""Segments in the panel: the audiences of mailings, their filters and how many clients match.

The count is what core.services.segments.count says for the signed-in person (a manager
counts only the clients they see). It is shown after every submit, and a small script asks
`/segments/count` for it as the filters change, so the page works without JavaScript too.
"""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from tortoise.expressions import Subquery

from admin_web.auth import ACTOR
from admin_web.params import as_id, path_id
from admin_web.routing import get, post
from admin_web.views.mailings_common import CHANNEL_LABELS, channel_label, day_of, message
from core.config import SUPPORTED_LANGUAGES
from core.errors import InvalidInput
from core.i18n import LANGUAGE_NAMES, N_, _, ngettext
from core.models import ClientKind, Employee, MarketingSource, Segment
from core.services.access import Actor, Permission
from core.services.clients import visible_clients
from core.services.segments import (
    SegmentFilters,
    count,
    get_segment,
    list_segments,
    parse_filters,
    save_segment,
)

KIND_LABELS = {
    ClientKind.INDIVIDUAL: N_("Person"),
    ClientKind.LEGAL_ENTITY: N_("Company"),
}
OPEN_REQUEST = [("yes", N_("Has an open request")), ("no", N_("Has no open request"))]
LIST_FIELDS = ("kinds", "languages", "sources", "manager_ids")
TEXT_LISTS = ("cities", "tags")
MAX_TEXT = 1000
MAX_ORDERS = 1_000_000
DONE_MESSAGES = {"saved": N_("The segment is saved.")}


def _split(text: str) -> list[str]:
    return [part.strip() for part in text[:MAX_TEXT].split(",") if part.strip()]


def form_values(form: Any) -> dict[str, Any]:
    """What the person typed or ticked, kept as typed so a wrong value is shown again."""
    values: dict[str, Any] = {"name": str(form.get("name", "")).strip()}
    for name in LIST_FIELDS:
        values[name] = [str(v) for v in form.getall(name, [])][:200]
    for name in (*TEXT_LISTS, "last_order_after", "last_order_before"):
        values[name] = str(form.get(name, "")).strip()[:MAX_TEXT]
    for name in ("min_orders", "max_orders", "has_open_request", "consented_on"):
        values[name] = str(form.get(name, "")).strip()[:20]
    return values


def _orders(raw: str, field: str) -> int | None:
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or int(raw) > MAX_ORDERS:
        raise InvalidInput(field, N_("Enter a whole number from 0 to {n}."), n=MAX_ORDERS)
    return int(raw)


def filters_of(values: dict[str, Any]) -> SegmentFilters:
    """The form's values as the service's filters; InvalidInput names the wrong field."""
    raw: dict[str, Any] = {
        "kinds": values["kinds"],
        "languages": values["languages"],
        "sources": values["sources"],
        "cities": _split(values["cities"]),
        "tags": _split(values["tags"]),
        "last_order_after": day_of(values["last_order_after"], "last_order_after"),
        "last_order_before": day_of(values["last_order_before"], "last_order_before"),
        "min_orders": _orders(values["min_orders"], "min_orders"),
        "max_orders": _orders(values["max_orders"], "max_orders"),
    }
    managers = [as_id(v) for v in values["manager_ids"]]
    if None in managers:
        raise InvalidInput("manager_ids", N_("Pick from the list."))
    raw["manager_ids"] = managers
    if values["has_open_request"] in ("yes", "no"):
        raw["has_open_request"] = values["has_open_request"] == "yes"
    elif values["has_open_request"]:
        raise InvalidInput("has_open_request", N_("Pick from the list."))
    if values["consented_on"]:
        raw["consented_on"] = values["consented_on"]
    return parse_filters(raw)


def values_of(segment: Segment) -> dict[str, Any]:
    """A saved segment's filters as the form shows them."""
    filters = parse_filters(segment.filters)
    has_open = filters.has_open_request
    return {
        "name": segment.name,
        "kinds": [k.value for k in filters.kinds],
        "languages": list(filters.languages),
        "sources": list(filters.sources),
        "manager_ids": [str(i) for i in filters.manager_ids],
        "cities": ", ".join(filters.cities),
        "tags": ", ".join(filters.tags),
        "last_order_after": filters.last_order_after.isoformat()
        if filters.last_order_after
        else "",
        "last_order_before": filters.last_order_before.isoformat()
        if filters.last_order_before
        else "",
        "min_orders": "" if filters.min_orders is None else str(filters.min_orders),
        "max_orders": "" if filters.max_orders is None else str(filters.max_orders),
        "has_open_request": "" if has_open is None else ("yes" if has_open else "no"),
        "consented_on": filters.consented_on.value if filters.consented_on else "",
    }


def count_text(n: int) -> str:
    return ngettext("{n} client matches", "{n} clients match", n)


def summary(filters: SegmentFilters, managers: dict[int, str]) -> str:
    """The filters in a line, for the list of segments."""
    parts = []
    if filters.kinds:
        parts.append(", ".join(_(KIND_LABELS[k]) for k in filters.kinds))
    if filters.cities:
        parts.append(_("Cities: {cities}", cities=", ".join(filters.cities)))
    if filters.languages:
        names = ", ".join(LANGUAGE_NAMES.get(code, code) for code in filters.languages)
        parts.append(_("Languages: {languages}", languages=names))
    if filters.sources:
        parts.append(_("Sources: {sources}", sources=", ".join(filters.sources)))
    if filters.tags:
        parts.append(_("Tags: {tags}", tags=", ".join(filters.tags)))
    if filters.manager_ids:
        names = ", ".join(managers.get(i, f"#{i}") for i in filters.manager_ids)
        parts.append(_("Managers: {names}", names=names))
    if filters.last_order_after:
        parts.append(_("Last order from {day}", day=filters.last_order_after.isoformat()))
    if filters.last_order_before:
        parts.append(_("Last order before {day}", day=filters.last_order_before.isoformat()))
    if filters.min_orders is not None:
        parts.append(_("At least {n} orders", n=filters.min_orders))
    if filters.max_orders is not None:
        parts.append(_("At most {n} orders", n=filters.max_orders))
    if filters.has_open_request is not None:
        parts.append(_(OPEN_REQUEST[0 if filters.has_open_request else 1][1]))
    if filters.consented_on is not None:
        parts.append(
            _("Agreed to offers on {channel}", channel=channel_label(filters.consented_on))
        )
    return "; ".join(parts) or _("All clients")


async def _choices(actor: Actor, chosen: list[str]) -> dict[str, list[tuple[str, str]]]:
    """The options of the list filters: managers of the clients one sees, every source."""
    managing = visible_clients(actor).filter(manager_id__not_isnull=True).values("manager_id")
    picked = [i for i in (as_id(v) for v in chosen) if i is not None]
    people = (
        await Employee.filter(id__in=Subquery(managing)).order_by("name").values_list("id", "name")
    )
    extra = await Employee.filter(id__in=picked).values_list("id", "name") if picked else []
    managers = dict(sorted({*people, *extra}, key=lambda row: (row[1], row[0])))
    sources = await MarketingSource.all().order_by("name").values_list("code", "name")
    return {
        "kinds": [(k.value, _(label)) for k, label in KIND_LABELS.items()],
        "languages": [(code, LANGUAGE_NAMES[code]) for code in SUPPORTED_LANGUAGES],
        "sources": [(code, name) for code, name in sources],
        "manager_ids": [(str(i), name) for i, name in managers.items()],
        "has_open_request": [(v, _(label)) for v, label in OPEN_REQUEST],
        "consented_on": [(c.value, _(label)) for c, label in CHANNEL_LABELS.items()],
    }


async def _form(
    request: web.Request,
    segment: Segment | None,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    matched: int | None = None
    if not errors:
        try:
            matched = await count(actor, filters_of(values))
        except InvalidInput as exc:
            errors = {exc.field: message(exc)}
            status = 422
    context = {
        "segment": segment,
        "values": values,
        "errors": errors,
        "choices": await _choices(actor, values.get("manager_ids", [])),
        "count_text": count_text(matched) if matched is not None else "",
        "done": DONE_MESSAGES.get(request.query.get("done", "")),
        "action": f"/admin/mailings/segments/{segment.id}" if segment else SEGMENTS + "/new",
    }
    return aiohttp_jinja2.render_template("mailing_segment.html", request, context, status=status)


SEGMENTS = "/admin/mailings/segments"
EMPTY = {
    "name": "",
    **{name: [] for name in LIST_FIELDS},
    **{
        name: ""
        for name in (
            *TEXT_LISTS,
            "last_order_after",
            "last_order_before",
            "min_orders",
            "max_orders",
            "has_open_request",
            "consented_on",
        )
    },
}


async def segments_page(request: web.Request) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    segments = await list_segments(actor)
    managers = dict(await Employee.all().values_list("id", "name"))
    rows = []
    for segment in segments:
        filters = parse_filters(segment.filters)
        rows.append((segment, summary(filters, managers), await count(actor, filters)))
    return aiohttp_jinja2.render_template("mailing_segments.html", request, {"rows": rows})


async def segment_new(request: web.Request) -> web.StreamResponse:
    return await _form(request, None, dict(EMPTY), {})


async def segment_page(request: web.Request) -> web.StreamResponse:
    segment = await get_segment(request[ACTOR], path_id(request, "segment_id"))
    return await _form(request, segment, values_of(segment), {})


async def _submit(request: web.Request, segment: Segment | None) -> web.StreamResponse:
    actor: Actor = request[ACTOR]
    form = await request.post()
    values = form_values(form)
    try:
        filters = filters_of(values)
        if form.get("action") == "count":
            return await _form(request, segment, values, {})
        saved = await save_segment(actor, values["name"], filters, segment.id if segment else None)
    except InvalidInput as exc:
        return await _form(request, segment, values, {exc.field: message(exc)}, 422)
    raise web.HTTPFound(f"{SEGMENTS}/{saved.id}?done=saved")


async def segment_create(request: web.Request) -> web.StreamResponse:
    return await _submit(request, None)


async def segment_update(request: web.Request) -> web.StreamResponse:
    segment = await get_segment(request[ACTOR], path_id(request, "segment_id"))
    return await _submit(request, segment)


async def segment_count(request: web.Request) -> web.StreamResponse:
    """The live count for the filters in the query string, as JSON for the form's script."""
    actor: Actor = request[ACTOR]
    values = form_values(request.query)
    try:
        matched = await count(actor, filters_of(values))
    except InvalidInput as exc:
        return web.json_response({"field": exc.field, "error": message(exc)}, status=422)
    return web.json_response({"count": matched, "text": count_text(matched)})


ROUTES = [
    get("/mailings/segments", segments_page, "mailings.segments", Permission.SEND_MAILINGS),
    get(
        "/mailings/segments/count",
        segment_count,
        "mailings.segments.count",
        Permission.SEND_MAILINGS,
    ),
    get("/mailings/segments/new", segment_new, "mailings.segments.new", Permission.SEND_MAILINGS),
    post(
        "/mailings/segments/new",
        segment_create,
        "mailings.segments.create",
        Permission.SEND_MAILINGS,
    ),
    get(
        r"/mailings/segments/{segment_id:\d+}",
        segment_page,
        "mailings.segments.view",
        Permission.SEND_MAILINGS,
    ),
    post(
        r"/mailings/segments/{segment_id:\d+}",
        segment_update,
        "mailings.segments.update",
        Permission.SEND_MAILINGS,
    ),
]
