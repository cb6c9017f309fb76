"""Sign-in, CSRF and the one middleware that decides who may open which page."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp_session import get_session, new_session

from admin_web.keys import PERMISSIONS
from admin_web.routing import PUBLIC
from core.models import Employee
from core.services.access import Actor, ActorKind

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

ACTOR = "actor"
SESSION_EMPLOYEE = "employee_id"
SESSION_CSRF = "csrf"
LOGIN_ROUTE = "login"
_UNDECLARED = object()


def session_key(secret: str) -> bytes:
    """32 raw key bytes derived from SECRET_KEY, so one secret configures everything."""
    return hashlib.sha256(b"ona-session:" + secret.encode()).digest()


def actor_of(employee: Employee) -> Actor:
    return Actor(
        kind=ActorKind.STAFF,
        language=employee.language,
        employee_id=employee.id,
        role=employee.role,
        name=employee.name,
    )


async def sign_in(request: web.Request, employee: Employee) -> None:
    session = await new_session(request)  # a fresh session id on privilege change
    session[SESSION_EMPLOYEE] = employee.id
    session[SESSION_CSRF] = secrets.token_urlsafe(32)


async def sign_out(request: web.Request) -> None:
    session = await get_session(request)
    session.invalidate()


async def csrf_token(request: web.Request) -> str:
    session = await get_session(request)
    if SESSION_CSRF not in session:
        session[SESSION_CSRF] = secrets.token_urlsafe(32)
    return session[SESSION_CSRF]


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    route = request.match_info.route.name
    permissions = request.app[PERMISSIONS]
    if request.method == "POST":
        session = await get_session(request)
        form = await request.post()
        expected = session.get(SESSION_CSRF, "")
        given = str(form.get("_csrf", ""))
        if not expected or not secrets.compare_digest(given.encode(), expected.encode()):
            raise web.HTTPForbidden(text="CSRF token missing or wrong. Reload the page.")
    needed = permissions.get(route, _UNDECLARED) if route is not None else PUBLIC
    if needed == PUBLIC:  # the sign-in page, static files, and the router's own 404/405
        return await handler(request)
    if needed is _UNDECLARED:  # default deny: a page that never said who may open it
        raise web.HTTPForbidden()
    session = await get_session(request)
    employee_id = session.get(SESSION_EMPLOYEE)
    employee = await Employee.get_or_none(id=employee_id, is_active=True) if employee_id else None
    if employee is None:
        login = request.app.router[LOGIN_ROUTE].url_for().with_query(next=request.path_qs)
        raise web.HTTPFound(login)
    actor = actor_of(employee)
    if needed is not None and not actor.can(needed):
        raise web.HTTPForbidden()
    request[ACTOR] = actor
    return await handler(request)
