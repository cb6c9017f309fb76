"""One declaration per API operation, read by the router, the auth middleware and OpenAPI.

A resource module lists its operations:

    OPERATIONS = [
        Operation("GET", "/carriers/{carrier_id}", show_carrier, Permission.VIEW_CARRIERS,
                  "Get a carrier", tag="Carriers", response=CarrierOut),
    ]

and `admin_web.api.resources` gathers the lists. The router serves each operation through
`endpoint()`, which parses and validates the path ids, the query and the body with the
declared models before the handler runs, and serialises what the handler returns with the
declared response model; the OpenAPI document is generated from the same fields. A handler
therefore receives typed input and cannot answer in a shape the document does not describe.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ValidationError, create_model

from admin_web.api.keys import API_SETTINGS
from admin_web.api.problems import ApiProblem
from admin_web.api.validation import field_errors, is_malformed_body
from core.config import Settings
from core.i18n import N_, gettext
from core.services.access import Actor, Permission
from core.services.contacts import MAX_ID

ACTOR = "api_actor"
_PATH_PARAM = re.compile(r"\{(\w+)\}")
# A path parameter named `*_id` is a row id; any other is a short code such as a shipment
# number: letters, digits and dashes.
TEXT_PARAM = re.compile(r"^[A-Za-z0-9-]{1,20}$")
TEXT_PARAM_PATTERN = "^[A-Za-z0-9-]{1,20}$"


def is_id_param(name: str) -> bool:
    return name.endswith("_id")


@dataclass(frozen=True, slots=True)
class HeaderParam:
    """A request header an operation reads, for the OpenAPI document."""

    name: str
    description: str
    max_length: int = 100


@dataclass(frozen=True, slots=True)
class Answer:
    """A handler's result with a status of its own (one of the operation's `statuses`)."""

    body: BaseModel
    status: int


@dataclass(frozen=True, slots=True)
class Call:
    """What a handler gets: the caller and its validated input."""

    request: web.Request
    actor: Actor
    ids: dict[str, int]
    query: Any
    body: Any
    texts: dict[str, str] = field(default_factory=dict)

    @property
    def settings(self) -> Settings:
        return self.request.config_dict[API_SETTINGS]


Handler = Callable[[Call], Awaitable[BaseModel | Answer]]


@dataclass(frozen=True, slots=True)
class Operation:
    method: str
    path: str  # relative to /api/v1, with OpenAPI-style {name_id} integer path parameters
    handler: Handler
    permission: Permission
    summary: str
    tag: str
    response: type[BaseModel]
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    status: int = 200
    description: str = ""
    # Problem statuses beyond the ones every operation can answer (see `problem_statuses`).
    extra_problems: tuple[int, ...] = field(default=())
    # Success statuses besides `status` that a handler may answer through `Answer`.
    other_statuses: tuple[int, ...] = field(default=())
    headers: tuple[HeaderParam, ...] = field(default=())

    @property
    def operation_id(self) -> str:
        return self.handler.__name__.strip("_")

    @property
    def path_params(self) -> list[str]:
        return _PATH_PARAM.findall(self.path)

    @property
    def problem_statuses(self) -> list[int]:
        statuses = {401, 403, 429, *self.extra_problems}
        if self.path_params:
            statuses.add(404)
        if self.query is not None or self.body is not None:
            statuses.add(400)
        if self.body is not None:
            statuses.add(422)
        return sorted(statuses)


def page_model(item: type[BaseModel], name: str) -> type[BaseModel]:
    """The response of a list operation: a page of `item` and the cursor of the next page."""
    return create_model(
        name,
        __doc__=f"A page of {item.__name__}, newest first.",
        items=(list[item], ...),  # type: ignore[valid-type]
        next_cursor=(str | None, ...),
    )


def _texts(op: Operation, request: web.Request) -> dict[str, str]:
    texts: dict[str, str] = {}
    for name in op.path_params:
        if is_id_param(name):
            continue
        raw = request.match_info.get(name, "")
        if not TEXT_PARAM.match(raw):
            raise ApiProblem("not-found", N_("Not found."))
        texts[name] = raw
    return texts


def _ids(op: Operation, request: web.Request) -> dict[str, int]:
    ids: dict[str, int] = {}
    for name in op.path_params:
        if not is_id_param(name):
            continue
        raw = request.match_info.get(name, "")
        if not raw.isascii() or not raw.isdigit() or len(raw) > 10 or not 0 < int(raw) <= MAX_ID:
            raise ApiProblem("not-found", N_("Not found."))
        ids[name] = int(raw)
    return ids


def _query(op: Operation, request: web.Request) -> Any:
    if op.query is None:
        if request.query:
            raise ApiProblem(
                "malformed-request",
                N_("This operation takes no query parameters."),
            )
        return None
    repeated = sorted({key for key in request.query if len(request.query.getall(key)) > 1})
    if repeated:
        raise ApiProblem(
            "malformed-request",
            N_("Some query parameters are not valid."),
            errors=[(key, gettext(N_("Give this parameter once."))) for key in repeated],
        )
    try:
        return op.query.model_validate(dict(request.query))
    except ValidationError as exc:
        raise ApiProblem(
            "malformed-request",
            N_("Some query parameters are not valid."),
            errors=field_errors(exc),
        ) from None


async def _body(op: Operation, request: web.Request) -> Any:
    if op.body is None:
        return None
    raw = await request.read()
    try:
        return op.body.model_validate_json(raw or b"null", strict=True)
    except ValidationError as exc:
        if is_malformed_body(exc):
            raise ApiProblem(
                "malformed-request", N_("The request body must be a JSON object.")
            ) from None
        raise ApiProblem(
            "validation", N_("Some fields are not valid."), errors=field_errors(exc)
        ) from None


def endpoint(op: Operation) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """The aiohttp handler serving `op`: validate, call, serialise."""

    async def serve(request: web.Request) -> web.StreamResponse:
        call = Call(
            request=request,
            actor=request[ACTOR],
            ids=_ids(op, request),
            query=_query(op, request),
            body=await _body(op, request),
            texts=_texts(op, request),
        )
        result = await op.handler(call)
        status = op.status
        if isinstance(result, Answer):
            result, status = result.body, result.status
        return web.Response(
            text=op.response.model_validate(result).model_dump_json(),
            status=status,
            content_type="application/json",
        )

    serve.__name__ = op.operation_id
    return serve
