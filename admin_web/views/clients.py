"""Clients: the list and the dossier (interactions and the consent log)."""

from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from admin_web.auth import ACTOR, csrf_token
from admin_web.routing import get
from core.services.access import Permission
from core.services.dossier import PAGE_SIZE, client_dossier, list_clients


def _page(request: web.Request) -> int:
    try:
        return max(1, int(request.query.get("page", "1")))
    except ValueError:
        return 1


@aiohttp_jinja2.template("clients.html")
async def clients_list(request: web.Request) -> dict:
    search = request.query.get("q", "")
    page = _page(request)
    clients, total = await list_clients(request[ACTOR], search, page)
    return {
        "clients": clients,
        "total": total,
        "q": search,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "csrf": await csrf_token(request),
    }


@aiohttp_jinja2.template("client.html")
async def client_page(request: web.Request) -> dict:
    try:
        client_id = int(request.match_info["client_id"])
    except ValueError:
        raise web.HTTPNotFound() from None
    dossier = await client_dossier(request[ACTOR], client_id)
    return {"d": dossier, "csrf": await csrf_token(request)}


ROUTES = [
    get("/clients", clients_list, "clients", Permission.VIEW_CLIENTS),
    get(r"/clients/{client_id:\d+}", client_page, "client", Permission.VIEW_CLIENTS),
]
