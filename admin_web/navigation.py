"""The panel's menu: each entry shows only to roles that may open it; sections add a line."""

from __future__ import annotations

from dataclasses import dataclass

from core.i18n import N_
from core.services.access import Actor, Permission


@dataclass(frozen=True, slots=True)
class NavItem:
    url: str
    label: str
    permission: Permission


NAV: list[NavItem] = [
    NavItem("/admin/dashboard", N_("Dashboard"), Permission.VIEW_DASHBOARD),
    NavItem("/admin/pipeline", N_("Pipeline"), Permission.MAKE_QUOTES),
    NavItem("/admin/clients", N_("Clients"), Permission.VIEW_CLIENTS),
    NavItem("/admin/shipments", N_("Shipments"), Permission.VIEW_SHIPMENTS),
    NavItem("/admin/tasks", N_("Tasks"), Permission.WORK_TASKS),
    NavItem("/admin/plans", N_("Plans"), Permission.WORK_TASKS),
    NavItem("/admin/mailings", N_("Mailings"), Permission.SEND_MAILINGS),
    NavItem("/admin/reports", N_("Reports"), Permission.VIEW_REPORTS),
    NavItem("/admin/marketing-costs", N_("Marketing costs"), Permission.MANAGE_SOURCES),
    NavItem("/admin/carriers", N_("Carriers"), Permission.VIEW_CARRIERS),
    NavItem("/admin/quotes/new", N_("Quote"), Permission.MAKE_QUOTES),
    NavItem("/admin/locations", N_("Locations"), Permission.MANAGE_NETWORK),
    NavItem("/admin/lanes", N_("Lanes"), Permission.MANAGE_NETWORK),
    NavItem("/admin/zones", N_("Zones"), Permission.MANAGE_NETWORK),
    NavItem("/admin/price-lists", N_("Price lists"), Permission.MANAGE_PRICES),
    NavItem("/admin/tariffs", N_("Tariffs"), Permission.MANAGE_NETWORK),
    NavItem("/admin/sources", N_("Marketing sources"), Permission.MANAGE_SOURCES),
    NavItem("/admin/staff", N_("Users and roles"), Permission.MANAGE_STAFF),
    NavItem("/admin/subjects", N_("Contact subjects"), Permission.MANAGE_WORKSPACE),
    NavItem("/admin/canned-replies", N_("Canned replies"), Permission.MANAGE_WORKSPACE),
    NavItem("/admin/company", N_("Company"), Permission.MANAGE_COMPANY),
    NavItem("/admin/channels", N_("Channels"), Permission.MANAGE_CHANNELS),
    NavItem("/admin/api-keys", N_("API keys"), Permission.MANAGE_INTEGRATIONS),
    NavItem("/admin/webhooks", N_("Webhooks"), Permission.MANAGE_INTEGRATIONS),
    NavItem("/admin/audit", N_("Audit trail"), Permission.VIEW_AUDIT),
]


def nav_for(actor: Actor | None) -> list[NavItem]:
    if actor is None:
        return []
    return [item for item in NAV if actor.can(item.permission)]
