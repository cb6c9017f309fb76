"""Security headers on every response the web server sends: panel, API, web chat, health.

Attached as an `on_response_prepare` signal of the root application rather than a
middleware: the signal also sees static files, the router's own 404s, WebSocket upgrades
and responses raised as exceptions, right before their headers go out.

Scripts and styles may only come from our own files (no 'unsafe-inline'): the panel's
templates and the web chat use none inline. The web-chat page is the one page meant to be
framed, by the company's own site, so it alone allows any framing ancestor.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import web

from core.config import Settings

CHAT_PREFIX = "/chat"
STATIC_PREFIXES = ("/admin/static/", "/chat/static/")

_COMMON = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'"
)


def _socket_origins(public_url: str | None) -> str:
    """'self' covers same-host WebSockets in current browsers; PUBLIC_URL's ws(s) origin is
    named too for the ones that only match 'self' to http(s)."""
    if not public_url:
        return ""
    parts = urlsplit(public_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f" {scheme}://{parts.netloc}"


def build_headers(settings: Settings) -> tuple[dict[str, str], dict[str, str]]:
    """(headers for everything, headers for the embeddable web-chat page)."""
    base = {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }
    if settings.public_url and settings.public_url.startswith("https://"):
        base["Strict-Transport-Security"] = "max-age=31536000"
    strict = {
        **base,
        "Content-Security-Policy": f"{_COMMON}; connect-src 'self'; frame-ancestors 'none'",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    chat = {
        **base,
        "Content-Security-Policy": (
            f"{_COMMON}; connect-src 'self'{_socket_origins(settings.public_url)}; "
            "frame-ancestors *"
        ),
    }
    return strict, chat


def add_security_headers(app: web.Application, settings: Settings) -> None:
    strict, chat = build_headers(settings)

    async def on_prepare(request: web.Request, response: web.StreamResponse) -> None:
        path = request.path
        is_chat = path == CHAT_PREFIX or path.startswith(CHAT_PREFIX + "/")
        for name, value in (chat if is_chat else strict).items():
            response.headers.setdefault(name, value)
        # Signed-in pages must not linger in shared or back-button caches.
        if path.startswith("/admin") and not path.startswith(STATIC_PREFIXES):
            response.headers.setdefault("Cache-Control", "no-store")

    app.on_response_prepare.append(on_prepare)
