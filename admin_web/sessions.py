"""What the browser holds for the panel, and how each request turns it into a session.

- `ona_session`: a random token (no data); the `PanelSession` row keyed by its SHA-256 holds
  everything else. HttpOnly, SameSite=Lax, Path=/admin, Secure when PUBLIC_URL is https.
- `ona_csrf`: only for visitors without a session (the sign-in form). A random value; the
  form carries its HMAC under SECRET_KEY (a signed double-submit token), so a sign-in form
  costs no database row and a site that cannot read our cookies cannot forge the pair.
- `ona_lang`: the language someone not signed in picked on the sign-in page.

The row is looked up once per request and cached on it; cookie changes made by the views
(`adopt`, `forget`) are written onto whatever response leaves the panel.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from admin_web.keys import CLOCK
from core.config import SUPPORTED_LANGUAGES, Settings
from core.models import Employee, PanelSession
from core.ports import Clock, SystemClock
from core.services import auth

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

COOKIE = "ona_session"
ANONYMOUS_COOKIE = "ona_csrf"
LANGUAGE_COOKIE = "ona_lang"
COOKIE_PATH = "/admin"
# The idle timer is refreshed at most this often: no database write per request.
TOUCH_EVERY = dt.timedelta(minutes=1)
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
_STATE = "ona.session"
_SYSTEM_CLOCK = SystemClock()


@dataclass(frozen=True, slots=True)
class SessionConfig:
    limits: auth.SessionLimits
    secure: bool
    csrf_key: bytes


SESSION_CONFIG = web.AppKey("session_config", SessionConfig)


def session_config(settings: Settings) -> SessionConfig:
    return SessionConfig(
        limits=auth.SessionLimits(
            idle=dt.timedelta(minutes=settings.session_idle_minutes),
            absolute=dt.timedelta(hours=settings.session_max_hours),
        ),
        secure=bool(settings.public_url and settings.public_url.startswith("https://")),
        csrf_key=hashlib.sha256(
            b"ona-csrf:" + settings.secret_key.get_secret_value().encode()
        ).digest(),
    )


@dataclass(slots=True)
class _State:
    loaded: bool = False
    row: PanelSession | None = None
    # The browser sent a session cookie for a session that is over (timed out, signed out).
    ended: bool = False
    new_token: str | None = None
    clear: bool = False
    new_anonymous: str | None = None
    new_language: str | None = None


def _state(request: web.Request) -> _State:
    state = request.get(_STATE)
    if state is None:
        state = request[_STATE] = _State()
    return state


def _config(request: web.Request) -> SessionConfig:
    return request.config_dict[SESSION_CONFIG]


def clock(request: web.Request) -> Clock:
    return request.config_dict.get(CLOCK) or _SYSTEM_CLOCK


def now(request: web.Request) -> dt.datetime:
    return clock(request).now()


def limits(request: web.Request) -> auth.SessionLimits:
    return _config(request).limits


async def current(request: web.Request) -> PanelSession | None:
    """This request's live session (signed in, or waiting for the second-factor code)."""
    state = _state(request)
    if not state.loaded:
        state.loaded = True
        token = request.cookies.get(COOKIE, "")
        if token:
            state.row, state.ended = await auth.load_session(token, limits(request), now(request))
            state.clear = state.ended
    return state.row


async def signed_in_employee(request: web.Request) -> Employee | None:
    row = await current(request)
    if row is None or row.employee_id is None:
        return None
    return row.employee


async def session_ended(request: web.Request) -> bool:
    """Whether the browser came with a session that is over (to say so on the sign-in page)."""
    await current(request)
    return _state(request).ended


async def touch(request: web.Request) -> None:
    row = await current(request)
    if row is not None:
        await auth.touch(row, now(request), TOUCH_EVERY)


def adopt(request: web.Request, opened: auth.OpenedSession) -> None:
    """From now on this browser holds the new session (and its new token)."""
    state = _state(request)
    state.loaded, state.row, state.ended = True, opened.row, False
    state.new_token, state.clear = opened.token, False


def forget(request: web.Request) -> None:
    """The browser's session is over: drop its cookie."""
    state = _state(request)
    state.loaded, state.row, state.new_token, state.clear = True, None, None, True


def remember_language(request: web.Request, language: str) -> None:
    if language in SUPPORTED_LANGUAGES:
        _state(request).new_language = language


def chosen_language(request: web.Request) -> str | None:
    """The language a visitor without a session picked on the sign-in page, if any."""
    language = _state(request).new_language or request.cookies.get(LANGUAGE_COOKIE)
    return language if language in SUPPORTED_LANGUAGES else None


def _sign(request: web.Request, value: str) -> str:
    return hmac.new(_config(request).csrf_key, value.encode(), hashlib.sha256).hexdigest()


async def csrf_token(request: web.Request) -> str:
    """The token forms must send back as `_csrf` (or fetch() as X-CSRF-Token).

    The session's own token once there is a session; before that, the HMAC of the
    anonymous cookie's value, setting that cookie if the browser has none yet.
    """
    row = await current(request)
    if row is not None:
        return row.csrf
    state = _state(request)
    value = state.new_anonymous or request.cookies.get(ANONYMOUS_COOKIE, "")
    if not _TOKEN.fullmatch(value):
        value = state.new_anonymous = secrets.token_urlsafe(32)
    return _sign(request, value)


async def csrf_matches(request: web.Request, given: str) -> bool:
    row = await current(request)
    if row is not None:
        expected = row.csrf
    else:
        value = request.cookies.get(ANONYMOUS_COOKIE, "")
        if not _TOKEN.fullmatch(value):
            return False
        expected = _sign(request, value)
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


def _write_cookies(request: web.Request, response: web.StreamResponse) -> None:
    state = request.get(_STATE)
    if state is None or response.prepared:
        return
    config = _config(request)
    flags = {"path": COOKIE_PATH, "httponly": True, "samesite": "Lax", "secure": config.secure}
    if state.new_token:
        response.set_cookie(
            COOKIE,
            state.new_token,
            max_age=int(config.limits.absolute.total_seconds()),
            **flags,
        )
        if ANONYMOUS_COOKIE in request.cookies:
            response.del_cookie(ANONYMOUS_COOKIE, **flags)
    elif state.clear:
        response.del_cookie(COOKIE, **flags)
    if state.new_anonymous and not state.new_token:
        response.set_cookie(ANONYMOUS_COOKIE, state.new_anonymous, **flags)
    if state.new_language:
        response.set_cookie(
            LANGUAGE_COOKIE, state.new_language, max_age=LANGUAGE_COOKIE_AGE, **flags
        )


@web.middleware
async def session_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Outermost in the panel: whatever answer leaves (a page, an error page, a redirect
    raised as an exception), the session cookies the request changed go with it."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        _write_cookies(request, exc)
        raise
    _write_cookies(request, response)
    return response
