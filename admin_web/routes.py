"""Every panel page in one list: what the router serves and what the auth middleware checks."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from admin_web.keys import PERMISSIONS
from admin_web.routing import PUBLIC, PanelRoute
from admin_web.views import (
    account,
    activity,
    audit,
    carrier_scoring,
    carriers,
    channels,
    clients,
    company,
    contacts,
    dashboard,
    integrations,
    lanes,
    locations,
    mailings,
    marketing_costs,
    pipeline,
    pricelists,
    quotes,
    reports,
    session,
    shipments,
    sources,
    staff,
    tariffs,
    tasks,
    workspace,
    zones,
)
from core.services.access import Permission

STATIC = Path(__file__).resolve().parent / "static"

PANEL_ROUTES: list[PanelRoute] = [
    *session.ROUTES,
    *account.ROUTES,
    *dashboard.ROUTES,
    *clients.ROUTES,
    *carriers.ROUTES,
    *contacts.ROUTES,
    *staff.ROUTES,
    *activity.ROUTES,
    *company.ROUTES,
    *channels.ROUTES,
    *locations.ROUTES,
    *lanes.ROUTES,
    *zones.ROUTES,
    *pricelists.ROUTES,
    *tariffs.ROUTES,
    *quotes.ROUTES,
    *pipeline.ROUTES,
    *shipments.ROUTES,
    *mailings.ROUTES,
    *reports.ROUTES,
    *marketing_costs.ROUTES,
    *carrier_scoring.ROUTES,
    *tasks.ROUTES,
    *workspace.ROUTES,
    *sources.ROUTES,
    *integrations.ROUTES,
    *audit.ROUTES,
]
ROUTE_PERMISSIONS: dict[str, Permission | None] = {r.name: r.permission for r in PANEL_ROUTES}
PUBLIC_ROUTES = {"static", *(r.name for r in PANEL_ROUTES if r.public)}


def add_panel_routes(panel: web.Application) -> None:
    panel[PERMISSIONS] = {
        name: PUBLIC if name in PUBLIC_ROUTES else needed
        for name, needed in {**ROUTE_PERMISSIONS, "static": None}.items()
    }
    for route in PANEL_ROUTES:
        panel.router.add_route(route.method, route.path, route.handler, name=route.name)
    panel.router.add_static("/static", STATIC, name="static")
