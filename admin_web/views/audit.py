"""The whole audit trail, read-only, for the people who answer for the company."""

from __future__ import annotations

from admin_web.sections import Column, Filter, Section
from core.i18n import N_
from core.models import AuditLog, Employee
from core.services.access import Actor, Permission
from core.services.audit import action_label


async def _object_types(actor: Actor) -> list[tuple[str, str]]:
    types = (
        await AuditLog.all()
        .distinct()
        .order_by("object_type")
        .values_list("object_type", flat=True)
    )
    return [(t, t) for t in types]


async def _people(actor: Actor) -> list[tuple[str, str]]:
    return [(str(e.id), e.name) for e in await Employee.all().order_by("name")]


class AuditSection(Section):
    key = "audit"
    model = AuditLog
    title = N_("Audit trail")
    item_title = N_("Audit entry")
    view_permission = Permission.VIEW_AUDIT
    search = ("action", "actor_label", "object_id")
    order_by = ("-created_at", "-id")
    page_size = 100
    columns = (
        Column(N_("When"), lambda e: e.created_at),
        Column(N_("Who"), lambda e: e.actor_label),
        Column(N_("What"), lambda e: action_label(e.action)),
        Column(N_("Object"), lambda e: f"{e.object_type} {e.object_id or ''}"),
        Column(N_("Changes"), lambda e: e.details),
    )
    filters = (
        Filter("type", N_("Object"), _object_types, lambda q, v: q.filter(object_type=v)),
        Filter("who", N_("Who"), _people, lambda q, v: q.filter(employee_id=int(v))),
    )


SECTION = AuditSection()
ROUTES = [r for r in SECTION.routes() if r.name == "audit"]
