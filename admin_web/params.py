"""Reading ids and text from URLs and forms so that no input can reach the database unfit."""

from __future__ import annotations

import datetime as dt

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


def as_day(raw: object) -> dt.date | None:
    """A day as a date input sends it (2026-12-31), or None; a far-off year counts as bad, so
    that the day's bounds in any time zone still fit a datetime (year 1 or 9999 would not)."""
    text = str(raw or "").strip()
    try:
        day = dt.date.fromisoformat(text) if text and len(text) <= 10 else None
    except ValueError:
        return None
    return day if day is not None and 1900 <= day.year <= 2200 else None


def day_bounds(
    first: dt.date | None, last: dt.date | None, zone: dt.tzinfo
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Whole local days, both included, as UTC bounds: at or after the first day's midnight,
    before the midnight after the last one (a daylight-saving change is no matter)."""
    since = dt.datetime.combine(first, dt.time.min, zone).astimezone(dt.UTC) if first else None
    until = (
        dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, zone).astimezone(dt.UTC)
        if last
        else None
    )
    return since, until


def has_nul(text: str) -> bool:
    return _NUL in text


def _not_found() -> int:
    raise web.HTTPNotFound()
