"""The signed-in person's own page: language, the second factor, and their open sessions."""

from __future__ import annotations

import aiohttp_jinja2
import segno
from aiohttp import web
from markupsafe import Markup

from admin_web import sessions
from admin_web.auth import ACTOR
from admin_web.keys import SETTINGS
from admin_web.routing import SIGNED_IN, get, post
from admin_web.views.session import safe_next
from core.config import SUPPORTED_LANGUAGES
from core.errors import InvalidInput
from core.i18n import N_, _
from core.services import auth, totp
from core.services.access import Permission
from core.services.login_throttle import refusal_message

ACCOUNT = "/admin/account"
# ?done=... after a redirect: what just happened, said once on the page.
DONE = {
    "totp_on": N_("Two-step sign-in is on. You will be asked for a code when you sign in."),
    "totp_off": N_("Two-step sign-in is off."),
    "sessions": N_("Your other sessions are signed out."),
}


def _secret_key(request: web.Request) -> str:
    return request.app[SETTINGS].secret_key.get_secret_value()


def _qr_svg(uri: str) -> Markup:
    """The QR code as inline SVG markup (drawn here, no script, nothing fetched)."""
    return Markup(segno.make(uri, error="m").svg_inline(scale=4, light="#fff"))  # noqa: S704


async def _context(request: web.Request, setup_token: str = "", error: str = "") -> dict:
    actor = request[ACTOR]
    session = await sessions.current(request)
    assert session is not None and session.employee_id is not None
    employee = session.employee
    now = sessions.now(request)
    context: dict = {
        "employee": employee,
        "languages": SUPPORTED_LANGUAGES,
        "may_use_totp": totp.may_use_totp(actor),
        "totp_on": bool(employee.totp_secret),
        "setup": None,
        "qr": None,
        "error": error,
        "done": _(DONE[request.query["done"]]) if request.query.get("done") in DONE else "",
        "sessions": await auth.active_sessions(actor, sessions.limits(request), now),
        "this_session": session.id,
    }
    if context["may_use_totp"] and not context["totp_on"]:
        name = employee.login or employee.name
        if setup_token:
            secret = totp.secret_of_setup(setup_token, _secret_key(request), now)
            setup = totp.resume_setup(actor, secret, setup_token, name)
        else:
            setup = totp.start_setup(actor, name, _secret_key(request), now)
        context["setup"] = setup
        context["qr"] = _qr_svg(setup.uri)
    return context


async def account_page(request: web.Request) -> web.StreamResponse:
    context = await _context(request)
    return aiohttp_jinja2.render_template("account.html", request, context)


async def _render_error(request: web.Request, message: str, setup_token: str = "", status=400):
    try:
        context = await _context(request, setup_token, message)
    except InvalidInput:  # the set-up expired meanwhile: start a new one
        context = await _context(request, "", message)
    return aiohttp_jinja2.render_template("account.html", request, context, status=status)


def _done(what: str) -> web.HTTPFound:
    return web.HTTPFound(f"{ACCOUNT}?done={what}")


async def change_language(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    await auth.set_language(request[ACTOR], str(form.get("language", "")))
    raise web.HTTPFound(safe_next(str(form.get("next", "")), ACCOUNT))


async def enable_totp(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    token = str(form.get("setup", ""))[:500]
    try:
        await totp.enable(
            request[ACTOR],
            token,
            str(form.get("code", ""))[:20],
            _secret_key(request),
            sessions.now(request),
        )
    except InvalidInput as exc:
        return await _render_error(request, _(exc.msgid, **exc.params), token)
    raise _done("totp_on")


async def disable_totp(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    try:
        await totp.disable(
            request[ACTOR],
            str(form.get("code", ""))[:20],
            _secret_key(request),
            remote=(request.remote or "")[:64],
            now=sessions.now(request),
        )
    except auth.TooManyAttempts as exc:
        return await _render_error(request, refusal_message(exc.wait), status=429)
    except InvalidInput as exc:
        return await _render_error(request, _(exc.msgid, **exc.params))
    raise _done("totp_off")


async def end_other_sessions(request: web.Request) -> web.StreamResponse:
    session = await sessions.current(request)
    assert session is not None
    await auth.end_other_sessions(request[ACTOR], session, sessions.now(request))
    raise _done("sessions")


ROUTES = [
    get("/account", account_page, "account", SIGNED_IN),
    post("/account/language", change_language, "account.language", SIGNED_IN),
    post("/account/totp/enable", enable_totp, "account.totp.enable", Permission.USE_TOTP),
    post("/account/totp/disable", disable_totp, "account.totp.disable", Permission.USE_TOTP),
    post("/account/sessions/end-others", end_other_sessions, "account.sessions", SIGNED_IN),
]
