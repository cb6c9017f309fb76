"""The web application factory: panel pages, static files and the health check."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from babel import negotiate_locale
from redis.asyncio import Redis

from admin_web import sessions
from admin_web.api import create_api
from admin_web.auth import ACTOR, CSRF_REFUSED, auth_middleware, csrf_token
from admin_web.cells import cell_text
from admin_web.keys import HEALTH, I18N, SETTINGS
from admin_web.navigation import nav_for
from admin_web.params import has_nul
from admin_web.routes import add_panel_routes
from admin_web.security_headers import add_security_headers
from admin_web.views import health
from admin_web.views.mail_links import create_mail_links
from admin_web.views.shipments import upload_size_middleware
from admin_web.views.tracking import create_tracking
from core.config import SUPPORTED_LANGUAGES, Settings
from core.errors import NotFound, OnaError, PermissionDenied
from core.i18n import LANGUAGE_NAMES, I18n, _, format_datetime, format_day, ngettext
from core.services.access import Permission
from core.services.company import (
    current_company,
    display_zone,
    set_company_defaults,
    zone_of,
)
from core.services.interactions import subject_label

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def _request_language(request: web.Request, default: str) -> str:
    employee = await sessions.signed_in_employee(request)
    if employee is not None:
        return employee.language
    chosen = sessions.chosen_language(request)
    if chosen:
        return chosen
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
async def nul_guard_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A NUL anywhere in the input is refused up front: PostgreSQL cannot store it."""
    suspects = list(request.query.values())
    if request.method == "POST" and request.content_type in _FORM_TYPES:
        suspects += [v for v in (await request.post()).values() if isinstance(v, str)]
    if any(has_nul(value) for value in suspects):
        return _error_page(
            request, 400, _("The request contains a character that is not allowed.")
        )
    return await handler(request)


_FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Domain errors and HTTP errors on panel pages become a translated page, never a trace."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status == 403 and exc.reason == CSRF_REFUSED:
            message = _("This form has expired. Reload the page and try again.")
            return _error_page(request, 403, message)
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
        company = await current_company(settings.currency, settings.timezone)
        display_zone.set(zone_of(company))
        return {
            "actor": actor,
            "csrf": await csrf_token(request),
            "can": lambda permission: bool(actor and actor.can(Permission(permission))),
            "language": request.get("language", settings.default_language),
            "language_names": LANGUAGE_NAMES,
            "nav_items": nav_for(actor),
            "company": company,
        }

    return processor


def create_app(
    settings: Settings,
    i18n: I18n,
    health_report: Callable[[], Awaitable[dict[str, Any]]],
    redis: Redis | None = None,
) -> web.Application:
    """The root application: the panel at /admin, the JSON API at /api/v1, the health check.

    Channel webhooks and the web chat are added to the root by the composition root; they
    sit outside the panel sub-application, so they pay for no session, template or role
    middleware.
    """
    app = web.Application(client_max_size=1024**2)
    app[SETTINGS] = settings
    app[HEALTH] = health_report
    add_security_headers(app, settings)
    app.router.add_get("/", _redirect_to_panel)
    app.router.add_get("/admin", _redirect_to_panel)
    app.router.add_get("/healthz", health.healthz)
    app.add_subapp("/admin", create_panel(settings, i18n))
    app.add_subapp("/api/v1", create_api(settings, i18n, redis))
    # The public tracking page: no session, no sign-in, nothing cached or indexed.
    app.add_subapp("/t", create_tracking(settings, i18n))
    # Unsubscribe and tracked links inside mailings: the message's token is the only key.
    app.add_subapp("/m", create_mail_links(settings, i18n))
    return app


def create_panel(settings: Settings, i18n: I18n) -> web.Application:
    panel = web.Application()
    panel[SETTINGS] = settings
    panel[I18N] = i18n
    set_company_defaults(settings.currency, settings.timezone, settings.phone_region)
    # Server-side sessions: the cookie holds a random token, the panel_session table the rest.
    panel[sessions.SESSION_CONFIG] = sessions.session_config(settings)
    # Ours before Jinja's context processors, so templates see the signed-in actor. The
    # session middleware is outermost so its cookies ride on every answer, errors included.
    panel.middlewares.extend(
        [
            upload_size_middleware,
            sessions.session_middleware,
            locale_middleware,
            error_middleware,
            nul_guard_middleware,
            auth_middleware,
        ]
    )
    env = aiohttp_jinja2.setup(
        panel,
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=jinja2.select_autoescape(default=True),
        context_processors=[_template_context(settings), aiohttp_jinja2.request_processor],
    )
    env.globals.update(_=_, ngettext=ngettext, subject_label=subject_label)
    env.filters["when"] = lambda moment: (
        format_datetime(moment, display_zone.get() or settings.zone) if moment else ""
    )
    env.filters["cell"] = cell_text(env.filters["when"])
    env.filters["day"] = format_day

    add_panel_routes(panel)
    return panel


async def _redirect_to_panel(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/admin/")
