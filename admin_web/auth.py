"""The one middleware that decides who may open which panel page, and checks CSRF tokens.

Sessions and cookies live in `admin_web.sessions`; this module turns the session into an
`Actor` and applies the route's declared permission (undeclared pages are denied).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from admin_web import sessions
from admin_web.keys import PERMISSIONS
from admin_web.routing import PUBLIC
from core.models import Employee
from core.services.access import Actor, ActorKind

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

ACTOR = "actor"
LOGIN_ROUTE = "login"
CSRF_FIELD = "_csrf"
CSRF_HEADER = "X-CSRF-Token"
# The 403's reason, so the error page can say "reload the form" rather than "not allowed".
CSRF_REFUSED = "CSRF token missing or wrong"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_UNDECLARED = object()

# Kept here too: views and templates ask for the token by this name.
csrf_token = sessions.csrf_token


def actor_of(employee: Employee) -> Actor:
    return Actor(
        kind=ActorKind.STAFF,
        language=employee.language,
        employee_id=employee.id,
        role=employee.role,
        name=employee.name,
        carrier_id=employee.carrier_id,  # type: ignore[attr-defined]
    )


async def _check_csrf(request: web.Request) -> None:
    """Every state-changing request carries the session's token, in the form or a header."""
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        form = await request.post()
        given = str(form.get(CSRF_FIELD, ""))
    if not await sessions.csrf_matches(request, given):
        if await sessions.session_ended(request):  # a form left open past its session
            raise await _to_login(request)
        raise web.HTTPForbidden(reason=CSRF_REFUSED)


async def _to_login(request: web.Request) -> web.HTTPFound:
    query = {"next": request.path_qs} if request.method == "GET" else {}
    if await sessions.session_ended(request):
        query["expired"] = "1"
    return web.HTTPFound(request.app.router[LOGIN_ROUTE].url_for().with_query(query))


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    route = request.match_info.route.name
    needed = request.app[PERMISSIONS].get(route, _UNDECLARED) if route is not None else PUBLIC
    unsafe = request.method not in SAFE_METHODS
    if needed == PUBLIC:  # sign-in pages, static files, and the router's own 404/405
        if unsafe:
            await _check_csrf(request)
        return await handler(request)
    if needed is _UNDECLARED:  # default deny: a page that never said who may open it
        raise web.HTTPForbidden()
    employee = await sessions.signed_in_employee(request)
    if employee is None:
        raise await _to_login(request)
    if unsafe:
        await _check_csrf(request)
    await sessions.touch(request)
    actor = actor_of(employee)
    request[ACTOR] = actor  # set first, so even the 403 page shows the person's own menu
    if needed is not None and not actor.can(needed):
        raise web.HTTPForbidden()
    return await handler(request)
