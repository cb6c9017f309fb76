"""File downloads from the panel: the headers every export needs, in one place."""

from __future__ import annotations

import datetime as dt

from aiohttp import web

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data: bytes, stem: str, zone: dt.tzinfo) -> web.Response:
    """An attachment named `<stem>-<local date>.xlsx`, never cached (it holds personal data)."""
    stamp = dt.datetime.now(zone).strftime("%Y-%m-%d")
    return web.Response(
        body=data,
        content_type=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="{stem}-{stamp}.xlsx"',
            "Cache-Control": "no-store",
        },
    )
