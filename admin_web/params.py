"""Reading ids and text from URLs and forms so that no input can reach the database unfit."""

from __future__ import annotations

from aiohttp import web

from core.services.contacts import MAX_ID

# PostgreSQL refuses NUL in text; the other C0 controls are never meant in a panel field.
_NUL = "\x00"


def path_id(request: web.Request, name: str = "item_id") -> int:
    """A row id from the path; anything that cannot be one is a 404, never a database error."""
    return as_id(request.match_info.get(name, "")) or _not_found()


def as_id(raw: object) -> int | None:
    """A positive id that fits the database's integer columns, or None."""
    text = str(raw or "")
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def has_nul(text: str) -> bool:
    return _NUL in text


def _not_found() -> int:
    raise web.HTTPNotFound()
