"""Sign-in (password, then the code when the second factor is on), sign-out, and the
language switch of the sign-in page."""

from __future__ import annotations

import math
import re

import aiohttp_jinja2
from aiohttp import web

from admin_web import sessions
from admin_web.auth import ACTOR
from admin_web.keys import SETTINGS
from admin_web.routing import SIGNED_IN, PanelRoute, get, post
from core.config import SUPPORTED_LANGUAGES
from core.i18n import _
from core.models import Role
from core.services import auth
from core.services.access import Permission
from core.services.login_throttle import refusal_message

MAX_LOGIN = 100
MAX_PASSWORD = 200
_UNSAFE = re.compile(r"[\\\x00-\x1f\x7f]")


def safe_next(value: str, default: str = "/admin/") -> str:
    """Only local panel paths: never bounce a signed-in user to another site."""
    if value.startswith("/admin") and not value.startswith("//") and not _UNSAFE.search(value):
        return value
    return default


def _client(request: web.Request) -> dict[str, str]:
    return {
        "remote": (request.remote or "")[:64],
        "user_agent": request.headers.get("User-Agent", ""),
    }


def _refused(request: web.Request, template: str, context: dict, exc: auth.TooManyAttempts):
    context["error"] = refusal_message(exc.wait)
    response = aiohttp_jinja2.render_template(template, request, context, status=429)
    response.headers["Retry-After"] = str(max(1, math.ceil(exc.wait.total_seconds())))
    return response


async def _login_context(request: web.Request, next_path: str, login: str = "") -> dict:
    return {
        "csrf": await sessions.csrf_token(request),
        "next": safe_next(next_path),
        "error": None,
        "login": login,
        "expired": request.query.get("expired") == "1",
        "languages": SUPPORTED_LANGUAGES,
        "here": request.path_qs,
    }


async def login_page(request: web.Request) -> web.StreamResponse:
    context = await _login_context(request, request.query.get("next", ""))
    return aiohttp_jinja2.render_template("login.html", request, context)


async def login_submit(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    login = str(form.get("login", ""))[:MAX_LOGIN]
    password = str(form.get("password", ""))[:MAX_PASSWORD]
    context = await _login_context(request, str(form.get("next", "")), login)
    if not login.strip() or not password:
        context["error"] = _("Wrong login or password.")
        return aiohttp_jinja2.render_template("login.html", request, context, status=401)
    try:
        opened = await auth.sign_in_with_password(
            login,
            password,
            replaces=await sessions.current(request),
            now=sessions.now(request),
            **_client(request),
        )
    except auth.TooManyAttempts as exc:
        return _refused(request, "login.html", context, exc)
    except auth.WrongCredentials:
        context["error"] = _("Wrong login or password.")
        return aiohttp_jinja2.render_template("login.html", request, context, status=401)
    sessions.adopt(request, opened)
    if opened.pending:
        code_page = request.app.router["login.code"].url_for()
        raise web.HTTPFound(code_page.with_query(next=context["next"]))
    raise web.HTTPFound(context["next"])


async def _code_context(request: web.Request, next_path: str) -> dict:
    return {
        "csrf": await sessions.csrf_token(request),
        "next": safe_next(next_path),
        "error": None,
    }


async def _pending_session(request: web.Request):
    session = await sessions.current(request)
    if session is None or session.employee_id is not None:
        raise web.HTTPFound(request.app.router["login"].url_for())
    return session


async def code_page(request: web.Request) -> web.StreamResponse:
    await _pending_session(request)
    context = await _code_context(request, request.query.get("next", ""))
    return aiohttp_jinja2.render_template("totp.html", request, context)


async def code_submit(request: web.Request) -> web.StreamResponse:
    pending = await _pending_session(request)
    form = await request.post()
    context = await _code_context(request, str(form.get("next", "")))
    try:
        opened = await auth.sign_in_with_code(
            pending,
            str(form.get("code", ""))[:20],
            secret_key=request.app[SETTINGS].secret_key.get_secret_value(),
            now=sessions.now(request),
            **_client(request),
        )
    except auth.TooManyAttempts as exc:
        return _refused(request, "totp.html", context, exc)
    except auth.WrongCode as exc:
        context["error"] = _(exc.msgid)
        return aiohttp_jinja2.render_template("totp.html", request, context, status=401)
    sessions.adopt(request, opened)
    raise web.HTTPFound(context["next"])


async def choose_language(request: web.Request) -> web.StreamResponse:
    """The sign-in page's language links: remembered in a cookie until someone signs in."""
    form = await request.post()
    sessions.remember_language(request, str(form.get("language", "")))
    raise web.HTTPFound(safe_next(str(form.get("next", "")), "/admin/login"))


async def logout(request: web.Request) -> web.StreamResponse:
    session = await sessions.current(request)
    if session is not None:
        await auth.sign_out(session, sessions.now(request))
    sessions.forget(request)
    raise web.HTTPFound(request.app.router["login"].url_for())


# Roles whose day starts somewhere other than the dashboard.
LANDING = {Role.HEAD_OF_SALES: "pipeline", Role.CARRIER: "shipments"}


async def home(request: web.Request) -> web.StreamResponse:
    """Every role lands where its work starts: a head of sales on the pipeline board, the
    others on their dashboard (the tiles they may see, each a way into their work)."""
    actor = request[ACTOR]
    landing = LANDING.get(actor.role) if actor.role else None
    if landing is not None:
        raise web.HTTPFound(request.app.router[landing].url_for())
    if actor.can(Permission.VIEW_DASHBOARD):
        raise web.HTTPFound(request.app.router["dashboard"].url_for())
    return aiohttp_jinja2.render_template("home.html", request, {})


ROUTES = [
    PanelRoute("GET", "/login", login_page, "login", None, public=True),
    PanelRoute("POST", "/login", login_submit, "login.submit", None, public=True),
    PanelRoute("GET", "/login/code", code_page, "login.code", None, public=True),
    PanelRoute("POST", "/login/code", code_submit, "login.code.submit", None, public=True),
    PanelRoute("POST", "/login/language", choose_language, "login.language", None, public=True),
    post("/logout", logout, "logout", SIGNED_IN),
    get("/", home, "home", SIGNED_IN),
]
