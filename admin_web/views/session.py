"""Sign-in and sign-out pages."""

from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from admin_web.auth import ACTOR, csrf_token, sign_in, sign_out
from admin_web.routing import SIGNED_IN, PanelRoute, get, post
from core.i18n import _
from core.services.access import Permission
from core.services.auth import authenticate


def _safe_next(value: str) -> str:
    """Only local panel paths: never bounce a signed-in user to another site."""
    if value.startswith("/admin") and not value.startswith("//"):
        return value
    return "/admin/"


@aiohttp_jinja2.template("login.html")
async def login_page(request: web.Request) -> dict:
    return {
        "csrf": await csrf_token(request),
        "next": _safe_next(request.query.get("next", "")),
        "error": None,
        "login": "",
    }


async def login_submit(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    login = str(form.get("login", ""))[:100]
    password = str(form.get("password", ""))[:200]
    employee = await authenticate(login, password) if login and password else None
    if employee is None:
        context = {
            "csrf": await csrf_token(request),
            "next": _safe_next(str(form.get("next", ""))),
            "error": _("Wrong login or password."),
            "login": login,
        }
        return aiohttp_jinja2.render_template("login.html", request, context, status=401)
    await sign_in(request, employee)
    raise web.HTTPFound(_safe_next(str(form.get("next", ""))))


async def logout(request: web.Request) -> web.StreamResponse:
    await sign_out(request)
    raise web.HTTPFound(request.app.router["login"].url_for())


async def home(request: web.Request) -> web.StreamResponse:
    """Each role lands on the first page it may use."""
    if request[ACTOR].can(Permission.VIEW_CLIENTS):
        raise web.HTTPFound(request.app.router["clients"].url_for())
    return aiohttp_jinja2.render_template("home.html", request, {})


ROUTES = [
    PanelRoute("GET", "/login", login_page, "login", None, public=True),
    PanelRoute("POST", "/login", login_submit, "login.submit", None, public=True),
    post("/logout", logout, "logout", SIGNED_IN),
    get("/", home, "home", SIGNED_IN),
]
