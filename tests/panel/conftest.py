from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from core.models import Role
from tests.panel.panel_client import Panel, make_employee


@pytest.fixture
async def panel_for(runtime) -> AsyncIterator[Callable[[Role], Awaitable[Panel]]]:
    """A signed-in panel user of the given role (a new employee each call)."""
    opened: list[Panel] = []

    async def open_as(role: Role, name: str | None = None) -> Panel:
        employee = await make_employee(
            name or f"{role.value.title()} User{len(opened)}", role, f"{role.value}{len(opened)}"
        )
        panel = Panel(runtime.base_url)
        opened.append(panel)
        await panel.sign_in(employee.login)
        panel.employee = employee  # type: ignore[attr-defined]
        return panel

    yield open_as
    for panel in opened:
        await panel.close()
