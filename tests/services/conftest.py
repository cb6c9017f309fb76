"""Staff actors for calling services directly, each backed by a real Employee row."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from core.models import Employee, Role
from core.services.access import Actor, ActorKind

StaffFactory = Callable[..., Awaitable[Actor]]


def actor_for(employee: Employee) -> Actor:
    return Actor(
        kind=ActorKind.STAFF,
        language="en",
        employee_id=employee.id,
        role=employee.role,
        name=employee.name,
    )


@pytest.fixture
def staff(runtime) -> StaffFactory:
    """`await staff(Role.MANAGER)` -> an Actor for a fresh employee with that role."""

    async def make(role: Role, name: str | None = None) -> Actor:
        employee = await Employee.create(name=name or f"{role.value} person", role=role)
        return actor_for(employee)

    return make
