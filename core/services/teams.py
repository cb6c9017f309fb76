"""Who works under whom: the one place a head of sales' team is worked out.

A manager belongs to the head of sales set as their `head`. A manager with no head is in
every head's team, so a company with one sales team has nothing to configure; a company
with several sets each manager's head and the heads see only their own people.
"""

from __future__ import annotations

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from core.models import Employee, Role
from core.services.access import Actor


def team_of(actor: Actor) -> QuerySet[Employee]:
    """The employees whose work `actor` answers for: a head's team and the head; else self."""
    if actor.role is Role.HEAD_OF_SALES and actor.employee_id is not None:
        return Employee.filter(
            Q(id=actor.employee_id)
            | Q(role=Role.MANAGER, head_id=actor.employee_id)
            | Q(role=Role.MANAGER, head_id=None)
        )
    return Employee.filter(id=actor.employee_id or 0)


def team_ids(actor: Actor) -> Subquery:
    return Subquery(team_of(actor).values("id"))


def sees_everyone(actor: Actor) -> bool:
    """Director and admin (and integration keys with those roles) see every person's work."""
    return actor.role in (Role.ADMIN, Role.DIRECTOR)


def work_scope(actor: Actor, field: str = "employee_id") -> Q:
    """A filter on `field` (who did or owns the thing) to what `actor` may see."""
    if sees_everyone(actor):
        return Q()
    if actor.role is Role.HEAD_OF_SALES:
        return Q(**{f"{field}__in": team_ids(actor)})
    return Q(**{field: actor.employee_id or 0})


async def may_see_work_of(actor: Actor, employee_id: int) -> bool:
    if sees_everyone(actor):
        return True
    return await team_of(actor).filter(id=employee_id).exists()
