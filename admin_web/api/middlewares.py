"""The API's middlewares, outermost first: language, problems, then key and rate limit.

Only routes declared as operations need a key; the OpenAPI document and the docs page are
public. A request with a valid key is counted against that key's per-minute limit before
its permission is checked, so probing forbidden operations also spends the budget.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from babel import negotiate_locale

from admin_web.api.keys import API_I18N, API_SETTINGS, OPERATIONS, RATE_LIMITER
from admin_web.api.problems import ApiProblem, kind_for_status, problem_response, render
from admin_web.api.registry import ACTOR, Operation
from core.config import SUPPORTED_LANGUAGES
from core.errors import InvalidInput, NotFound, OnaError, PermissionDenied
from core.i18n import N_, gettext
from core.services.api_keys import authenticate_api_key, key_prefix
from core.services.clients import DuplicateValue
from core.services.ratelimit import RateDecision

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
RATE = "api_rate"
REALM = 'Bearer realm="ona-api"'


def request_language(request: web.Request, default: str) -> str:
    """The best of Accept-Language among ours; the API has no session to remember one."""
    preferred = [
        part.split(";")[0].strip().replace("-", "_")
        for part in request.headers.get("Accept-Language", "").split(",")[:20]
        if part.strip()
    ]
    try:
        return negotiate_locale(preferred, SUPPORTED_LANGUAGES, sep="_") or default
    except ValueError:
        return default


@web.middleware
async def locale_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    default = request.app[API_SETTINGS].default_language
    with request.app[API_I18N].use_locale(request_language(request, default)):
        return await handler(request)


@web.middleware
async def problem_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every failure becomes problem+json; nothing escapes as HTML or a traceback."""
    try:
        return await handler(request)
    except ApiProblem as problem:
        return render(problem)
    except NotFound:
        return render(ApiProblem("not-found", N_("Not found.")))
    except PermissionDenied as exc:
        return render(ApiProblem("forbidden", exc.msgid))
    except DuplicateValue as exc:
        message = gettext(exc.msgid, **exc.params)
        return render(ApiProblem("conflict", exc.msgid, exc.params, errors=[(exc.field, message)]))
    except InvalidInput as exc:
        message = gettext(exc.msgid, **exc.params)
        return render(
            ApiProblem(
                "validation", N_("Some fields are not valid."), errors=[(exc.field, message)]
            )
        )
    except OnaError as exc:
        return render(ApiProblem("malformed-request", exc.msgid, exc.params))
    except web.HTTPException as exc:
        return _http_problem(request, exc)
    except Exception:
        log.exception("Unhandled error on %s %s", request.method, request.path)
        return render(ApiProblem("server-error", N_("Something went wrong on our side.")))


def _http_problem(request: web.Request, exc: web.HTTPException) -> web.StreamResponse:
    if exc.status < 400:
        raise exc
    kind = kind_for_status(exc.status)
    headers: dict[str, str] = {}
    if exc.status == 405:
        headers["Allow"] = exc.headers.get("Allow", "")
        detail = gettext(N_("This address does not accept {method}."), method=request.method)
    elif exc.status == 404:
        detail = gettext(N_("Not found."))
    elif exc.status == 413:
        detail = gettext(N_("The request body is too large."))
    else:
        detail = gettext(kind.title)
    return problem_response(kind, detail, status=exc.status, headers=headers)


def _presented_key(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return request.headers.get("X-API-Key", "").strip() or None


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    route = request.match_info.route.name
    operation: Operation | None = request.app[OPERATIONS].get(route) if route else None
    if operation is None:  # the document, the docs page, and the router's 404/405
        return await handler(request)
    presented = _presented_key(request)
    if presented is None:
        raise ApiProblem(
            "unauthenticated",
            N_("Send your API key in the Authorization header: Bearer followed by the key."),
            headers={"WWW-Authenticate": REALM},
        )
    actor = await authenticate_api_key(presented)
    if actor is None:
        raise ApiProblem(
            "unauthenticated",
            N_("This API key is not valid or has been revoked."),
            headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'},
        )
    limit = request.app[API_SETTINGS].api_rate_limit_per_minute
    decision = await request.app[RATE_LIMITER].hit(f"api:{key_prefix(presented)}", limit)
    request[RATE] = decision
    if not decision.allowed:
        raise ApiProblem(
            "rate-limited",
            N_("Too many requests. Try again in {seconds} seconds."),
            {"seconds": decision.reset_seconds},
            headers={"Retry-After": str(decision.reset_seconds)},
        )
    if not actor.can(operation.permission):
        raise ApiProblem("forbidden", PermissionDenied.msgid)
    request[ACTOR] = actor
    return await handler(request)


async def add_rate_headers(request: web.Request, response: web.StreamResponse) -> None:
    """RateLimit-* on every answer to a counted request, errors included."""
    decision: RateDecision | None = request.get(RATE)
    if decision is not None:
        response.headers["RateLimit-Limit"] = str(decision.limit)
        response.headers["RateLimit-Remaining"] = str(decision.remaining)
        response.headers["RateLimit-Reset"] = str(decision.reset_seconds)
