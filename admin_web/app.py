"""The web application factory: panel pages, static files and the health check."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp_session import get_session
from aiohttp_session import setup as setup_session
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from babel import negotiate_locale

from admin_web.auth import ACTOR, SESSION_EMPLOYEE, auth_middleware, csrf_token, session_key
from admin_web.keys import HEALTH, I18N, SETTINGS
from admin_web.routes import add_panel_routes
from admin_web.views import health
from core.config import SUPPORTED_LANGUAGES, Settings
from core.errors import NotFound, OnaError, PermissionDenied
from core.i18n import LANGUAGE_NAMES, I18n, _, format_datetime, ngettext
from core.models import Employee
from core.services.access import Permission
from core.services.interactions import subject_label

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def _request_language(request: web.Request, default: str) -> str:
    session_data = await get_session(request)
    employee_id = session_data.get(SESSION_EMPLOYEE)
    if employee_id:
        employee = await Employee.get_or_none(id=employee_id)
        if employee is not None:
            return employee.language
    preferred = [
        part.split(";")[0].strip().replace("-", "_")
        for part in request.headers.get("Accept-Language", "").split(",")
        if part.strip()
    ]
    return negotiate_locale(preferred, SUPPORTED_LANGUAGES, sep="_") or default


@web.middleware
async def locale_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    i18n = request.app[I18N]
    language = await _request_language(request, request.app[SETTINGS].default_language)
    with i18n.use_locale(language) as active:
        request["language"] = active
        return await handler(request)


def _error_page(request: web.Request, status: int, message: str) -> web.StreamResponse:
    return aiohttp_jinja2.render_template(
        "error.html", request, {"status": status, "message": message}, status=status
    )


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Domain errors and HTTP errors on panel pages become a translated page, never a trace."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status == 403:
            return _error_page(request, 403, _("You are not allowed to open this page."))
        if exc.status == 404:
            return _error_page(request, 404, _("This page does not exist."))
        raise
    except NotFound:
        return _error_page(request, 404, _("This page does not exist."))
    except PermissionDenied:
        return _error_page(request, 403, _("You are not allowed to open this page."))
    except OnaError as exc:
        return _error_page(request, 400, _(exc.msgid, **exc.params))
    except Exception:
        log.exception("Unhandled error on %s", request.path)
        return _error_page(request, 500, _("Something went wrong on our side."))


def _template_context(settings: Settings) -> Callable[[web.Request], Awaitable[dict[str, Any]]]:
    async def processor(request: web.Request) -> dict[str, Any]:
        actor = request.get(ACTOR)
        return {
            "actor": actor,
            "csrf": await csrf_token(request),
            "can": lambda permission: bool(actor and actor.can(Permission(permission))),
            "language": request.get("language", settings.default_language),
            "language_names": LANGUAGE_NAMES,
        }

    return processor


def create_app(
    settings: Settings,
    i18n: I18n,
    health_report: Callable[[], Awaitable[dict[str, Any]]],
) -> web.Application:
    """The root application: the panel mounted at /admin, plus the health check.

    Channel webhooks and the web chat are added to the root by the composition root; they
    sit outside the panel sub-application, so they pay for no session, template or role
    middleware.
    """
    app = web.Application(client_max_size=1024**2)
    app[SETTINGS] = settings
    app[HEALTH] = health_report
    app.router.add_get("/", _redirect_to_panel)
    app.router.add_get("/admin", _redirect_to_panel)
    app.router.add_get("/healthz", health.healthz)
    app.add_subapp("/admin", create_panel(settings, i18n))
    return app


def create_panel(settings: Settings, i18n: I18n) -> web.Application:
    panel = web.Application()
    panel[SETTINGS] = settings
    panel[I18N] = i18n
    storage = EncryptedCookieStorage(
        session_key(settings.secret_key.get_secret_value()),
        cookie_name="ona_session",
        path="/admin",
        httponly=True,
        secure=bool(settings.public_url and settings.public_url.startswith("https")),
        samesite="Lax",
        max_age=12 * 3600,
    )
    setup_session(panel, storage)
    # Ours before Jinja's context processors, so templates see the signed-in actor.
    panel.middlewares.extend([locale_middleware, error_middleware, auth_middleware])
    env = aiohttp_jinja2.setup(
        panel,
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=jinja2.select_autoescape(default=True),
        context_processors=[_template_context(settings), aiohttp_jinja2.request_processor],
    )
    env.globals.update(_=_, ngettext=ngettext, subject_label=subject_label)
    env.filters["when"] = lambda moment: format_datetime(moment, settings.zone) if moment else ""

    add_panel_routes(panel)
    return panel


async def _redirect_to_panel(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/admin/")
