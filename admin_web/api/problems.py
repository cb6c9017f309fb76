"""RFC 9457 problem details: the one shape of every error the API answers.

`type` names the kind of problem (a link to its explanation on the docs page), `title` says
it in a few words, `detail` says what happened this time, and `errors` lists the fields to
fix. Titles and details are translated into the caller's Accept-Language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from core.i18n import N_, gettext

PROBLEM_MEDIA_TYPE = "application/problem+json"
DOCS_PATH = "/api/v1/docs"


class FieldError(BaseModel):
    field: str = Field(description="The field or parameter, dotted for nested ones: tags.0")
    message: str


class Problem(BaseModel):
    """An error, as RFC 9457 problem details."""

    model_config = ConfigDict(title="Problem")

    type: str = Field(description="Identifies the kind of problem; a link to its explanation.")
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = Field(
        None, description="Present when fields or parameters need fixing."
    )


@dataclass(frozen=True, slots=True)
class Kind:
    slug: str
    status: int
    title: str  # a message id
    explanation: str  # for the docs page, in English like the rest of the reference


KINDS: dict[str, Kind] = {
    kind.slug: kind
    for kind in (
        Kind(
            "malformed-request",
            400,
            N_("Malformed request"),
            "The body is not a JSON object, or a query parameter is unknown, repeated or "
            "not valid (a cursor that this API did not give, a limit out of range).",
        ),
        Kind(
            "unauthenticated",
            401,
            N_("Authentication required"),
            "No API key, or a key that is unknown or revoked.",
        ),
        Kind(
            "forbidden",
            403,
            N_("Forbidden"),
            "The key's role does not have the permission this operation needs.",
        ),
        Kind(
            "not-found",
            404,
            N_("Not found"),
            "No such address, or no such record among those the key may see.",
        ),
        Kind(
            "method-not-allowed",
            405,
            N_("Method not allowed"),
            "The address exists but not for this HTTP method; see the Allow header.",
        ),
        Kind(
            "conflict",
            409,
            N_("Conflict"),
            "A value that must be unique (a client's phone) is already taken.",
        ),
        Kind(
            "too-large",
            413,
            N_("Request too large"),
            "The body is larger than 1 MiB.",
        ),
        Kind(
            "validation",
            422,
            N_("Invalid data"),
            "The JSON is well formed but some fields are not valid; `errors` names them.",
        ),
        Kind(
            "rate-limited",
            429,
            N_("Too many requests"),
            "The key used up its requests for this minute; retry after Retry-After seconds.",
        ),
        Kind(
            "server-error",
            500,
            N_("Server error"),
            "Something failed on our side; it is logged. Retrying later may help.",
        ),
    )
}
_BY_STATUS = {kind.status: kind for kind in KINDS.values()}


@dataclass
class ApiProblem(Exception):
    """Raise anywhere under the API to answer with a problem; `detail` is a message id."""

    slug: str
    detail: str
    params: Mapping[str, object] = field(default_factory=dict)
    errors: list[tuple[str, str]] | None = None  # (field, translated message)
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def status(self) -> int:
        return KINDS[self.slug].status


def kind_for_status(status: int) -> Kind:
    return _BY_STATUS.get(status) or KINDS["malformed-request" if status < 500 else "server-error"]


def problem_response(
    kind: Kind,
    detail: str,
    *,
    status: int | None = None,
    errors: list[tuple[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> web.Response:
    """A problem+json response; `detail` is already translated."""
    body = Problem(
        type=f"{DOCS_PATH}#problem-{kind.slug}",
        title=gettext(kind.title),
        status=status or kind.status,
        detail=detail,
        errors=[FieldError(field=name, message=text) for name, text in errors]
        if errors is not None
        else None,
    )
    return web.Response(
        text=body.model_dump_json(exclude_none=True),
        status=status or kind.status,
        content_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def render(problem: ApiProblem) -> web.Response:
    return problem_response(
        KINDS[problem.slug],
        gettext(problem.detail, **problem.params),
        errors=problem.errors,
        headers=problem.headers,
    )
